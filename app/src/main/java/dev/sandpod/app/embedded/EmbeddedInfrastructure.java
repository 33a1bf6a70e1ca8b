package dev.sandpod.app.embedded;

import dev.sandpod.embedded.kafka.EmbeddedKafkaBroker;
import dev.sandpod.embedded.mongo.DiskSpaceGuard;
import dev.sandpod.embedded.mongo.EmbeddedMongoServer;
import dev.sandpod.embedded.mongo.index.IndexedH2Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.logging.Log;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * The embedded servers started for one SpringApplication run, tied to the life of its context.
 *
 * <p>They are stopped as the very last disposable bean of the context (registered before any bean
 * exists, so destroyed after all of them): stopping on ContextClosedEvent instead would pull Mongo and
 * Kafka away while processors, JobRunr and Kafka consumers are still shutting down against them.
 */
final class EmbeddedInfrastructure implements ApplicationListener<SpringApplicationEvent>, AutoCloseable {

    static final String DISPOSABLE_NAME = "sandpodEmbeddedInfrastructure";
    static final String KAFKA_READINESS_NAME = "sandpodEmbeddedKafkaReadiness";
    private static final Duration KAFKA_START_TIMEOUT = Duration.ofMinutes(2);

    private final Log log;
    private final AtomicBoolean attached = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile EmbeddedMongoServer mongo;
    private volatile CompletableFuture<EmbeddedKafkaBroker> kafka;

    EmbeddedInfrastructure(Log log) {
        this.log = log;
    }

    /** Starts the Mongo-wire server now (it takes a few hundred ms) and returns its connection string. */
    String startMongo(Path dir, int port, boolean indexed) {
        return startMongo(dir, port, indexed, IndexedH2Backend.DEFAULT_COMPACT_FILL_RATE);
    }

    String startMongo(Path dir, int port, boolean indexed, int compactFillRate) {
        return startMongo(dir, port, indexed, compactFillRate, true);
    }

    String startMongo(Path dir, int port, boolean indexed, int compactFillRate, boolean compress) {
        return startMongo(
                dir,
                port,
                indexed,
                compactFillRate,
                compress,
                DiskSpaceGuard.DEFAULT_MIN_FREE_BYTES,
                EmbeddedMongoServer.DEFAULT_COMPACT_PERIOD_MILLIS);
    }

    String startMongo(
            Path dir,
            int port,
            boolean indexed,
            int compactFillRate,
            boolean compress,
            long minFreeBytes,
            long compactPeriodMillis) {
        long start = System.nanoTime();
        mongo = EmbeddedMongoServer.start(
                dir, port, indexed, compactFillRate, compress, minFreeBytes, compactPeriodMillis);
        log.info("Embedded Mongo-wire server listening on " + mongo.uri() + ", data file " + mongo.file() + " ("
                + millisSince(start) + " ms)");
        return mongo.uri();
    }

    /**
     * Starts the Kafka broker in the background and returns its bootstrap address at once: the 1.5-3 s
     * of broker start then overlap the context refresh. Nothing may talk to it before the lifecycle
     * phase of {@link KafkaReadiness}; Kafka clients created earlier just retry until it listens.
     */
    String startKafka(Path logDir, int port, int controllerPort) {
        int[] free = EmbeddedKafkaBroker.freePorts(3);
        int brokerPort = port > 0 ? port : free[0];
        int quorumPort = controllerPort > 0 ? controllerPort : (free[1] != brokerPort ? free[1] : free[2]);
        CompletableFuture<EmbeddedKafkaBroker> future = new CompletableFuture<>();
        kafka = future;
        Thread starter = new Thread(
                () -> {
                    long start = System.nanoTime();
                    try {
                        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(logDir, brokerPort, quorumPort);
                        log.info("Embedded Kafka broker (KRaft) listening on " + broker.bootstrapServers()
                                + " (controller port " + broker.controllerPort() + "), log dir " + broker.logDir()
                                + (broker.freshlyFormatted() ? " (newly formatted)" : "") + " (" + millisSince(start)
                                + " ms)");
                        future.complete(broker);
                    } catch (Throwable e) {
                        future.completeExceptionally(e);
                    }
                },
                "sandpod-embedded-kafka-start");
        starter.setDaemon(true);
        starter.start();
        return EmbeddedKafkaBroker.HOST + ":" + brokerPort;
    }

    boolean hasServers() {
        return mongo != null || kafka != null;
    }

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationPreparedEvent prepared && attached.compareAndSet(false, true)) {
            ConfigurableListableBeanFactory beanFactory =
                    prepared.getApplicationContext().getBeanFactory();
            if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
                registry.registerDisposableBean(DISPOSABLE_NAME, this::close);
            }
            if (kafka != null) {
                beanFactory.registerSingleton(KAFKA_READINESS_NAME, new KafkaReadiness());
            }
            if (mongo != null) {
                beanFactory.registerSingleton(EmbeddedStoreReopens.BEAN_NAME, new EmbeddedStoreReopens(mongo));
            }
        } else if (event instanceof ApplicationFailedEvent) {
            close();
        }
    }

    /** Waits for the background broker start; rethrows its failure. */
    void awaitKafka() {
        CompletableFuture<EmbeddedKafkaBroker> future = kafka;
        if (future == null) {
            return;
        }
        long start = System.nanoTime();
        try {
            future.get(KAFKA_START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The embedded Kafka broker did not start", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The embedded Kafka broker did not start within " + KAFKA_START_TIMEOUT, e);
        }
        if (log.isDebugEnabled()) {
            log.debug("Waited " + millisSince(start) + " ms for the embedded Kafka broker");
        }
    }

    /** Idempotent; stops Kafka (waiting for a start still in flight) and then Mongo. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<EmbeddedKafkaBroker> future = kafka;
        if (future != null) {
            try {
                EmbeddedKafkaBroker broker = future.get(KAFKA_START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                long start = System.nanoTime();
                broker.close();
                log.info("Embedded Kafka broker stopped (" + millisSince(start) + " ms)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("Interrupted before the embedded Kafka broker was stopped");
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                log.warn("Embedded Kafka broker could not be stopped cleanly", e);
            }
        }
        EmbeddedMongoServer server = mongo;
        if (server != null) {
            long start = System.nanoTime();
            server.close();
            log.info("Embedded Mongo-wire server stopped (" + millisSince(start) + " ms)");
        }
    }

    private static long millisSince(long nanoStart) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoStart);
    }

    /**
     * Holds back the start of every other lifecycle bean (Kafka listener containers, Axon processors,
     * JobRunr) until the broker accepts connections: it runs in the lowest phase.
     */
    final class KafkaReadiness implements SmartLifecycle {

        private volatile boolean running;

        @Override
        public void start() {
            awaitKafka();
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return Integer.MIN_VALUE;
        }
    }
}
