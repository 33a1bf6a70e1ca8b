package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.api.avro.RunCommand;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.avro.RunRequested;
import dev.sandpod.api.avro.RunStarted;
import dev.sandpod.api.kafka.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reads the platform's topics and puts a message on them again, as a redelivery would. */
public final class TopicProbe {

    public static final String EXECUTOR_GROUP = "sandpod-executor";
    public static final String REPORT_GROUP = "sandpod-report-handler";

    private final String bootstrap;

    public TopicProbe(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** The run request of that execution, as the platform published it. */
    public ConsumerRecord<String, byte[]> runRequest(String executionId) throws Exception {
        return find(Topics.RUN_REQUESTS, value -> {
            RunCommand command = RunCommand.fromByteBuffer(ByteBuffer.wrap(value));
            return command.getExecutionId().equals(executionId) && command.getPayload() instanceof RunRequested;
        });
    }

    /** How often a run of that execution was started: a second run in a sandbox reports its start again. */
    public int runsStarted(String executionId) throws Exception {
        return all(Topics.RUN_REPORTS, value -> {
                    RunReport report = RunReport.fromByteBuffer(ByteBuffer.wrap(value));
                    return report.getExecutionId().equals(executionId) && report.getPayload() instanceof RunStarted;
                })
                .size();
    }

    public ConsumerRecord<String, byte[]> find(String topic, ThrowingPredicate<byte[]> matches) throws Exception {
        List<ConsumerRecord<String, byte[]>> found = all(topic, matches);
        assertThat(found).as("messages on " + topic).isNotEmpty();
        return found.get(0);
    }

    /** Every message on the topic (up to its end now) that matches. */
    public List<ConsumerRecord<String, byte[]>> all(String topic, ThrowingPredicate<byte[]> matches) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "redelivery-test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertThat(System.nanoTime()).as("reading " + topic).isLessThan(deadline);
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (matches.test(record.value())) {
                        found.add(record);
                    }
                }
            }
            return found;
        }
    }

    /** Puts the same key, value and headers on the same partition again; waits until the group has taken it. */
    public void redeliverAndAwaitConsumed(ConsumerRecord<String, byte[]> original, String group) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        RecordMetadata sent;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            sent = producer.send(new ProducerRecord<>(
                            original.topic(),
                            original.partition(),
                            original.key(),
                            original.value(),
                            original.headers()))
                    .get();
        }
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (AdminClient admin = AdminClient.create(adminProps)) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata()
                                .get();
                        OffsetAndMetadata committed = offsets.get(partition);
                        return committed != null && committed.offset() > sent.offset();
                    });
        }
    }

    @FunctionalInterface
    public interface ThrowingPredicate<T> {
        boolean test(T value) throws Exception;
    }
}
