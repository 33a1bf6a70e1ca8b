package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.embedded.mongo.index.WireServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

/**
 * The ordering/no-skip check on the indexed backend, through Axon's Mongo event store: four writers
 * append concurrently (each its own aggregates, one event per commit, as the command side does) while a
 * pooled streaming processor with two segments follows; then the processor replays from the first event.
 * Every event must arrive once, each aggregate's events in sequence order.
 */
class ConcurrentWritersAreTrackedWithoutGapsTest {

    private static final int WRITERS = 4;
    private static final int AGGREGATES_PER_WRITER = 25;
    private static final int EVENTS_PER_WRITER = 400;
    private static final int TOTAL = WRITERS * EVENTS_PER_WRITER;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    record Probe(String aggregateId, long sequence) {}

    @Test
    void fourConcurrentWritersReachAPooledProcessorWithNothingSkippedReorderedOrRepeated() throws Exception {
        ScheduledExecutorService coordinator = Executors.newSingleThreadScheduledExecutor();
        ScheduledExecutorService workers = Executors.newScheduledThreadPool(2);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try (WireServer server = WireServer.indexed(null)) {
            Serializer serializer = JacksonSerializer.defaultSerializer();
            MongoTemplate template = DefaultMongoTemplate.builder()
                    .mongoDatabase(server.database())
                    .build();
            EmbeddedEventStore store = EmbeddedEventStore.builder()
                    .storageEngine(MongoEventStorageEngine.builder()
                            .mongoTemplate(template)
                            .eventSerializer(serializer)
                            .snapshotSerializer(serializer)
                            .batchSize(1000)
                            .build())
                    .build();
            Tracker tracker = new Tracker();
            PooledStreamingEventProcessor processor = PooledStreamingEventProcessor.builder()
                    .name("ordering")
                    .eventHandlerInvoker(SimpleEventHandlerInvoker.builder()
                            .eventHandlers(tracker)
                            .build())
                    .messageSource(store)
                    .tokenStore(MongoTokenStore.builder()
                            .mongoTemplate(template)
                            .serializer(serializer)
                            .build())
                    .transactionManager(NoTransactionManager.instance())
                    .coordinatorExecutor(coordinator)
                    .workerExecutor(workers)
                    .initialSegmentCount(2)
                    .batchSize(50)
                    .tokenClaimInterval(200)
                    .build();
            processor.start();

            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                writes.add(writers.submit(() -> {
                    List<String> aggregates = new ArrayList<>();
                    for (int a = 0; a < AGGREGATES_PER_WRITER; a++) {
                        aggregates.add(UUID.randomUUID().toString());
                    }
                    for (int i = 0; i < EVENTS_PER_WRITER; i++) {
                        String aggregateId = aggregates.get(i % AGGREGATES_PER_WRITER);
                        long sequence = i / AGGREGATES_PER_WRITER;
                        store.publish(new GenericDomainEventMessage<>(
                                "Probe", aggregateId, sequence, new Probe(aggregateId, sequence)));
                    }
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
            tracker.awaitHandled(TOTAL);
            tracker.assertCompleteAndInOrder(
                    WRITERS * AGGREGATES_PER_WRITER, EVENTS_PER_WRITER / AGGREGATES_PER_WRITER);

            processor.shutDown();
            processor.resetTokens();
            tracker.reset();
            processor.start();
            tracker.awaitHandled(TOTAL);
            tracker.assertCompleteAndInOrder(
                    WRITERS * AGGREGATES_PER_WRITER, EVENTS_PER_WRITER / AGGREGATES_PER_WRITER);
            processor.shutDown();
        } finally {
            writers.shutdownNow();
            coordinator.shutdownNow();
            workers.shutdownNow();
        }
    }

    /** Per aggregate, the next sequence it expects; counts what arrives out of order or twice. */
    static final class Tracker implements EventMessageHandler {

        private final Map<String, AtomicLong> next = new ConcurrentHashMap<>();
        private final AtomicLong handled = new AtomicLong();
        private final AtomicLong outOfOrder = new AtomicLong();
        private final AtomicLong duplicated = new AtomicLong();

        @Override
        public Object handle(EventMessage<?> event) {
            Probe probe = (Probe) event.getPayload();
            AtomicLong expected = next.computeIfAbsent(probe.aggregateId(), k -> new AtomicLong());
            long want = expected.get();
            if (probe.sequence() == want) {
                expected.set(want + 1);
            } else if (probe.sequence() < want) {
                duplicated.incrementAndGet();
            } else {
                outOfOrder.incrementAndGet();
                expected.set(probe.sequence() + 1);
            }
            handled.incrementAndGet();
            return null;
        }

        @Override
        public boolean supportsReset() {
            return true;
        }

        void reset() {
            next.clear();
            handled.set(0);
            outOfOrder.set(0);
            duplicated.set(0);
        }

        void awaitHandled(long count) {
            await().atMost(PATIENCE).until(() -> handled.get() >= count);
            // No more than that for a while: anything beyond the count would be a duplicate.
            await().alias("no event handled twice")
                    .during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> handled.get() <= count);
        }

        void assertCompleteAndInOrder(int aggregates, long eventsPerAggregate) {
            long skipped = next.values().stream()
                            .mapToLong(n -> eventsPerAggregate - n.get())
                            .sum()
                    + (aggregates - next.size()) * eventsPerAggregate;
            assertThat(outOfOrder.get()).as("out of order").isZero();
            assertThat(duplicated.get()).as("duplicated").isZero();
            assertThat(skipped).as("skipped").isZero();
            assertThat(handled.get()).isEqualTo((long) aggregates * eventsPerAggregate);
        }
    }
}
