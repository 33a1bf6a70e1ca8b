package dev.sandpod.executor.kafka;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The run requests any executor of the deployment has taken on, kept where every executor can read them and a
 * restart does not lose them: a compacted Kafka topic keyed by execution id ({@code sandpod.run-claims}). An
 * executor needs nothing but Kafka for it. A request is written here before it is run; every executor reads the
 * topic from its start and keeps following it, so a request redelivered after a restart, or to another executor
 * after a rebalance, is recognised and not run a second time (docs/architecture.md, Reliability).
 *
 * <p>If the record cannot be written (broker unreachable for {@value #WRITE_TIMEOUT_SECONDS} s), the run still
 * goes ahead: a run is worth more than the guard against running it twice.
 */
public class HandledRuns implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HandledRuns.class);
    private static final long WRITE_TIMEOUT_SECONDS = 5;
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaTemplate<String, byte[]> template;
    private final String topic;
    private final byte[] runnerId;
    private final Set<String> handled;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Consumer<String, byte[]> consumer;
    private final Thread reader;
    private volatile boolean closed;

    public HandledRuns(
            ConsumerFactory<String, byte[]> consumers,
            KafkaTemplate<String, byte[]> template,
            String topic,
            String runnerId,
            int remembered) {
        this.template = template;
        this.topic = topic;
        this.runnerId = runnerId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.handled = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
            }
        }));
        java.util.Properties overrides = new java.util.Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // the topic is created with its compaction settings by the platform's topic declarations, not by a read
        overrides.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        this.consumer = consumers.createConsumer(null, "sandpod-run-claims", null, overrides);
        this.reader = new Thread(this::read, "sandpod-run-claims");
        this.reader.setDaemon(true);
    }

    public HandledRuns start() {
        reader.start();
        return this;
    }

    /**
     * Records that this executor takes the execution's request on; false if an executor took it on before (this
     * one before a restart, or another). Waits, once after a start, until the topic has been read to its end.
     */
    public boolean claim(String executionId) {
        awaitCaughtUp();
        if (!handled.add(executionId)) {
            return false;
        }
        try {
            template.send(topic, executionId, runnerId).get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn(
                    "run request taken on without a durable record ({}): redelivered after a restart, it would run"
                            + " again",
                    e.toString());
        }
        return true;
    }

    private void awaitCaughtUp() {
        try {
            if (!caughtUp.await(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} not read to its end within {}; going on with what is known", topic, CATCH_UP_TIMEOUT);
                caughtUp.countDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long start = System.nanoTime();
            while (!closed) {
                try {
                    if (caughtUp.getCount() > 0
                            && partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p))) {
                        caughtUp.countDown();
                        log.info(
                                "{} run requests taken on before, read from {} in {} ms",
                                handled.size(),
                                topic,
                                (System.nanoTime() - start) / 1_000_000);
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                        if (record.key() != null) {
                            handled.add(record.key());
                        }
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // the broker is away for a while (a restart); the consumer reconnects by itself
                    log.debug("{} not readable right now: {}", topic, e.toString());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                log.error("{} no longer read; duplicate run requests are only recognised in memory", topic, e);
            }
        } finally {
            caughtUp.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The topic's partitions, once the topic exists (declared by the platform, created at its start). */
    private List<TopicPartition> partitions() {
        while (!closed) {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
                if (!partitions.isEmpty()) {
                    return partitions;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.debug("{} not there yet: {}", topic, e.toString());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
        }
        throw new WakeupException();
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
