package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.embedded.mongo.index.WireServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An event committed long after it was created — as the events of commands a saga sends are, stored only
 * when the saga processor's whole batch commits — still reaches a processor that has already read newer
 * events. With creation times as stored times, a tracking stream (one second of look-back) passed it by
 * for good, and the execution it belonged to waited for its backstop.
 */
class LateCommittedEventsAreDeliveredTest {

    record Step(String name) {}

    private WireServer server;
    private ScheduledExecutorService coordinator;
    private ScheduledExecutorService workers;

    @BeforeEach
    void start() {
        server = WireServer.indexed(null);
        coordinator = Executors.newSingleThreadScheduledExecutor();
        workers = Executors.newScheduledThreadPool(2);
    }

    @AfterEach
    void stop() {
        coordinator.shutdownNow();
        workers.shutdownNow();
        server.close();
    }

    @Test
    void anEventCreatedSecondsBeforeItsCommitIsDeliveredAfterNewerOnes() {
        Serializer serializer = JacksonSerializer.defaultSerializer();
        MongoTemplate template =
                DefaultMongoTemplate.builder().mongoDatabase(server.database()).build();
        EmbeddedEventStore store = EmbeddedEventStore.builder()
                .storageEngine(new ReplaySafeMongoEventStorageEngine(MongoEventStorageEngine.builder()
                        .mongoTemplate(template)
                        .eventSerializer(serializer)
                        .snapshotSerializer(serializer)))
                .build();
        Map<String, Instant> handled = new ConcurrentHashMap<>();
        EventMessageHandler recorder = new EventMessageHandler() {
            @Override
            public Object handle(EventMessage<?> event) {
                handled.put(((Step) event.getPayload()).name(), event.getTimestamp());
                return null;
            }
        };
        PooledStreamingEventProcessor processor = PooledStreamingEventProcessor.builder()
                .name("follower")
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder()
                        .eventHandlers(recorder)
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
                .tokenClaimInterval(200)
                .build();
        processor.start();
        try {
            store.publish(new GenericDomainEventMessage<>("Run", "run-1", 0, new Step("newer")));
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsKey("newer"));

            // Created five seconds ago by a unit of work that commits only now.
            Instant created = handled.get("newer").minus(Duration.ofSeconds(5));
            store.publish(new GenericDomainEventMessage<>(
                    "Queue", "queue-1", 0, new Step("late"), Map.of(), "late-event", created));
            store.publish(new GenericDomainEventMessage<>("Run", "run-1", 1, new Step("after")));

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> handled.containsKey("late") && handled.containsKey("after"));
            assertThat(handled.get("late"))
                    .as("stored with the time it was recorded")
                    .isAfterOrEqualTo(handled.get("newer"));
        } finally {
            processor.shutDown();
        }
    }
}
