package bench.store;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import dev.sandpod.embedded.mongo.index.IndexedH2Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;

/**
 * Event store phases: append, catch-up of a new pooled processor, replay after a reset, live following
 * at a fixed rate, and an unthrottled burst. Uses the application's own Axon wiring
 * ({@code dev.sandpod.eventstore}: storage engine, processor defaults, commit signals) on the embedded
 * Mongo-wire server; only the web layer, Kafka and the domain are left out.
 */
final class AxonStoreBench {

    static final String AGGREGATE_TYPE = "BenchAggregate";
    private static final String FILLER = "x".repeat(240);

    private final StoreBench.Options options;
    private final Map<String, String> results;
    private final StoreFileSizes sizes;
    /** Events stored by the axon phases (for the sizes after the context is closed). */
    private long events;

    /** Adds its lines to {@code results} as they come, so that a failure keeps the numbers measured before it. */
    AxonStoreBench(StoreBench.Options options, Map<String, String> results) {
        this.options = options;
        this.results = results;
        this.sizes = new StoreFileSizes(results);
    }

    void run() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-store-bench-");
        List<String> args = new ArrayList<>(List.of(
                "--sandpod.data-dir=" + dataDir,
                // No broker: the Axon phases never publish to Kafka.
                "--sandpod.kafka.bootstrap-servers=127.0.0.1:9",
                "--jobrunr.background-job-server.enabled=false",
                // Nothing here talks to Redis; the application configures it only when SANDPOD_REDIS_URL is set.
                "--spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration,"
                        + "org.springframework.boot.autoconfigure.data.redis.RedisReactiveAutoConfiguration",
                "--logging.level.root=WARN",
                "--logging.level.dev.sandpod=INFO"));
        options.extraProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        long startNanos = System.nanoTime();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchAxonApplication.class)
                .web(WebApplicationType.NONE).run(args.toArray(String[]::new))) {
            System.out.printf(Locale.ROOT, "axon context started in %d ms, data dir %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), dataDir);
            EventStore store = context.getBean(EventStore.class);
            Tracker tracker = context.getBean(BenchProjection.class).tracker;
            PooledStreamingEventProcessor processor = context.getBean(EventProcessingConfiguration.class)
                    .eventProcessor(BenchProjection.GROUP, PooledStreamingEventProcessor.class).orElseThrow();
            processor.shutDown();
            Writers writers = new Writers(store, options.aggregates(), options.writers());

            append(writers);
            Path file = dataDir.resolve("mongo").resolve("sandpod.mv");
            sizes.measure("store file after append", file, writers.published());
            catchUp("catch-up of a new processor", processor, tracker, options.events());
            // Also after a catch-up that timed out (the stock backend): the replay then reports its rate so far.
            if (!options.skip().contains("replay")) {
                processor.shutDown();
                processor.resetTokens();
                catchUp("replay after resetTokens()", processor, tracker, options.events());
            }
            if (!processor.isRunning()) {
                processor.start();
            }
            boolean following = !options.skip().contains("live") || !options.skip().contains("burst");
            if (!following) {
                // Nothing follows live.
            } else if (!tracker.awaitHandled(options.events(), options.timeoutSeconds())) {
                results.put("live", "skipped (the processor did not catch up before the live phase)");
            } else {
                if (!options.skip().contains("live")) {
                    live("live " + options.rate() + " ev/s for " + options.liveSeconds() + " s", writers, tracker,
                            options.rate(), options.liveSeconds());
                }
                if (!options.skip().contains("burst")) {
                    live("burst (unthrottled) for " + options.burstSeconds() + " s", writers, tracker, 0,
                            options.burstSeconds());
                }
            }
            processor.shutDown();
            sizes.measure("store file after the axon phases", file, writers.published());
            sizes.settle(file, writers.published(), options.settleSeconds());
            events = writers.published();
        }
        Path file = dataDir.resolve("mongo").resolve("sandpod.mv");
        sizes.measure("store file after close", file, events);
        reopen(file);
    }

    /** Opening the data file again: the embedded server's start, secondary indexes rebuilt from the documents. */
    private void reopen(Path file) {
        boolean indexed = Boolean.parseBoolean(options.extraProperties().getOrDefault("sandpod.embedded.mongo-indexes", "true"));
        long start = System.nanoTime();
        H2Backend backend = indexed ? IndexedH2Backend.open(file) : new H2Backend(file.toString());
        double seconds = secondsSince(start);
        backend.close();
        String line = String.format(Locale.ROOT, "%.1f s (%s backend)", seconds, indexed ? "indexed" : "stock");
        results.put("reopen the store file (index rebuild)", line);
        System.out.printf(Locale.ROOT, "reopened the store in %s%n", line);
    }

    private void append(Writers writers) throws InterruptedException {
        System.out.printf(Locale.ROOT, "%s appending %d events across %d aggregates with %d writers...%n",
                java.time.LocalTime.now(), options.events(), options.aggregates(), options.writers());
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        writers.run(options.events(), 0, Long.MAX_VALUE);
        double seconds = secondsSince(start);
        String line = String.format(Locale.ROOT, "%.0f ev/s (%d events in %.1f s)", options.events() / seconds,
                options.events(), seconds) + cpu(options.events(), (processCpuNanos() - cpuStart) / 1e9, seconds);
        results.put("append (" + options.writers() + " writers, 1 event/commit)", line);
        System.out.printf(Locale.ROOT, "  %s%n", line);
    }

    private boolean catchUp(String name, PooledStreamingEventProcessor processor, Tracker tracker, long expected)
            throws InterruptedException {
        System.out.printf(Locale.ROOT, "%s %s of %d events...%n", java.time.LocalTime.now(), name, expected);
        tracker.reset(false, 0);
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        processor.start();
        boolean done = tracker.awaitHandled(expected, options.timeoutSeconds());
        double seconds = secondsSince(start);
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        long handled = tracker.handled();
        String line = done
                ? String.format(Locale.ROOT, "%.0f ev/s (%d events in %.1f s)", handled / seconds, handled, seconds)
                : String.format(Locale.ROOT, "TIMEOUT after %.0f s: %d of %d handled, %.0f ev/s so far", seconds,
                handled, expected, handled / seconds);
        line += cpu(handled, cpuSeconds, seconds);
        results.put(name, line + correctness(tracker, done ? expected : handled));
        System.out.printf(Locale.ROOT, "  %s%n", line);
        return done;
    }

    private void live(String name, Writers writers, Tracker tracker, int rate, int seconds) throws InterruptedException {
        System.out.printf(Locale.ROOT, "%s %s...%n", java.time.LocalTime.now(), name);
        long before = writers.published();
        tracker.reset(true, rate > 0 ? rate * seconds * 2 : 4_000_000);
        long start = System.nanoTime();
        writers.run(Integer.MAX_VALUE, rate, start + TimeUnit.SECONDS.toNanos(seconds));
        double appendSeconds = secondsSince(start);
        long published = writers.published() - before;
        boolean done = tracker.awaitHandled(published, options.timeoutSeconds());
        double processSeconds = (tracker.lastHandledNanos() - start) / 1e9;
        long[] lags = tracker.lags();
        String line = String.format(Locale.ROOT,
                "appended %.0f ev/s, processed %.0f ev/s; lag p50 %s p90 %s p99 %s max %s (%d events)%s",
                published / appendSeconds, tracker.handled() / processSeconds, Stats.millis(Stats.percentile(lags, 50)),
                Stats.millis(Stats.percentile(lags, 90)), Stats.millis(Stats.percentile(lags, 99)),
                Stats.millis(Stats.percentile(lags, 100)), published,
                done ? "" : " NOT CAUGHT UP within " + options.timeoutSeconds() + " s");
        results.put(name, line + correctness(tracker, published));
        System.out.printf(Locale.ROOT, "  %s%n", line);
    }

    /**
     * The JVM's CPU time over the phase (the embedded server runs in it too): on a shared machine the wall
     * rate moves with the neighbours' load, events per CPU second much less.
     */
    private static String cpu(long events, double cpuSeconds, double wallSeconds) {
        if (cpuSeconds <= 0) {
            return "";
        }
        return String.format(Locale.ROOT, "; cpu %.1f s (%.2f cores), %.0f ev per cpu-s", cpuSeconds,
                cpuSeconds / wallSeconds, events / cpuSeconds);
    }

    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static String correctness(Tracker tracker, long expected) {
        long distinct = tracker.handled() - tracker.duplicates();
        return String.format(Locale.ROOT, "; skipped %d, out of order %d, duplicated %d",
                Math.max(0, expected - distinct), tracker.outOfOrder(), tracker.duplicates());
    }

    private static double secondsSince(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** The application's Axon wiring and one pooled processor of our own. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @ComponentScan("dev.sandpod.eventstore")
    static class BenchAxonApplication {

        @Bean
        BenchProjection benchProjection() {
            return new BenchProjection();
        }
    }

    /** A projection that only checks order and measures lag; pooled like every processor of the app. */
    @ProcessingGroup(BenchProjection.GROUP)
    static class BenchProjection {

        static final String GROUP = "bench-projection";
        final Tracker tracker = new Tracker();

        @EventHandler
        void on(BenchEvent event, @MetaDataValue("sentNanos") Long sentNanos) {
            tracker.record(event.aggregateId(), event.sequence(), sentNanos);
        }
    }

    /**
     * Writers append events one per commit, each to its own share of the aggregates (an aggregate has one
     * writer at a time, as the command side guarantees), continuing every aggregate's sequence.
     */
    static final class Writers {

        private final EventStore store;
        private final int writers;
        private final String[] aggregateIds;
        private final long[] nextSequence;
        private final AtomicLong published = new AtomicLong();

        Writers(EventStore store, int aggregates, int writers) {
            this.store = store;
            this.writers = writers;
            this.aggregateIds = new String[aggregates];
            this.nextSequence = new long[aggregates];
            for (int i = 0; i < aggregates; i++) {
                aggregateIds[i] = UUID.randomUUID().toString();
            }
        }

        long published() {
            return published.get();
        }

        /** Appends {@code count} events in total (or until {@code deadline}), at {@code rate} ev/s if positive. */
        void run(int count, int rate, long deadline) throws InterruptedException {
            CountDownLatch done = new CountDownLatch(writers);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long start = System.nanoTime();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                int share = count / writers + (writer < count % writers ? 1 : 0);
                Thread thread = new Thread(() -> {
                    try {
                        write(writer, share, rate, start, deadline);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                }, "bench-writer-" + w);
                thread.start();
            }
            done.await();
            if (failure.get() != null) {
                throw new IllegalStateException("a writer failed", failure.get());
            }
        }

        private void write(int writer, int share, int rate, long start, long deadline) {
            long intervalNanos = rate > 0 ? TimeUnit.SECONDS.toNanos(1) * writers / rate : 0;
            int slot = writer;
            for (int i = 0; i < share; i++) {
                if (intervalNanos > 0) {
                    long due = start + i * intervalNanos + writer * intervalNanos / writers;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                if (System.nanoTime() >= deadline) {
                    return;
                }
                String aggregateId = aggregateIds[slot];
                long sequence = nextSequence[slot]++;
                slot += writers;
                if (slot >= aggregateIds.length) {
                    slot = writer;
                }
                MetaData metaData = MetaData.with("userId", "bench-user-" + writer)
                        .and("clientIp", "127.0.0.1")
                        .and("requestId", UUID.randomUUID().toString())
                        .and("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                        .and("sentNanos", System.nanoTime());
                store.publish(new GenericDomainEventMessage<>(AGGREGATE_TYPE, aggregateId, sequence,
                        new BenchEvent(aggregateId, sequence, FILLER), metaData));
                published.incrementAndGet();
            }
        }
    }

    /** Order, duplicates and lag as the projection sees them; per aggregate, events come from one thread. */
    static final class Tracker {

        private final ConcurrentHashMap<String, AtomicLong> expected = new ConcurrentHashMap<>();
        private final AtomicLong handled = new AtomicLong();
        private final AtomicLong duplicates = new AtomicLong();
        private final AtomicLong outOfOrder = new AtomicLong();
        private final AtomicLong lagCount = new AtomicLong();
        private volatile long lastHandledNanos;
        private volatile long[] lags = new long[0];
        private volatile boolean recordLag;

        synchronized void reset(boolean recordLag, int capacity) {
            expected.clear();
            handled.set(0);
            duplicates.set(0);
            outOfOrder.set(0);
            lagCount.set(0);
            lags = new long[capacity];
            this.recordLag = recordLag;
        }

        void record(String aggregateId, long sequence, Long sentNanos) {
            long now = System.nanoTime();
            AtomicLong next = expected.computeIfAbsent(aggregateId, k -> new AtomicLong(-1));
            long want = next.get();
            if (want < 0 || sequence == want) {
                // The first event of an aggregate seen in this phase sets its start; skips show in the count.
                next.set(sequence + 1);
            } else if (sequence < want) {
                duplicates.incrementAndGet();
            } else {
                outOfOrder.incrementAndGet();
                next.set(sequence + 1);
            }
            if (recordLag && sentNanos != null) {
                long i = lagCount.getAndIncrement();
                long[] array = lags;
                if (i < array.length) {
                    array[(int) i] = now - sentNanos;
                }
            }
            lastHandledNanos = now;
            handled.incrementAndGet();
        }

        boolean awaitHandled(long count, int timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (handled.get() < count) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
            return true;
        }

        long handled() {
            return handled.get();
        }

        long duplicates() {
            return duplicates.get();
        }

        long outOfOrder() {
            return outOfOrder.get();
        }

        long lastHandledNanos() {
            return lastHandledNanos;
        }

        long[] lags() {
            int n = (int) Math.min(lagCount.get(), lags.length);
            return Arrays.copyOf(lags, n);
        }
    }
}
