package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.embedded.mongo.index.WireServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.awaitility.Awaitility;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replays on the Mongo event store. A new pooled processor starts with a replay up to the head (Axon's
 * default), and {@code resetTokens()} replays what was handled (a projection replay of the admin API):
 * either way the events from before come marked as replays (so {@code @DisallowReplay} handlers skip them),
 * later ones not, and the stored token stays the size of one second of events instead of growing with
 * the history (see {@link ReplaySafeMongoTrackingToken}).
 */
class ReplayAfterResetTest {

    private static final int EVENTS = 600;
    private static final int LATER = 3;
    private static final Duration SPACING = Duration.ofMillis(10);
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    record Ping(int number) {}

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
    void eventsFromBeforeANewProcessorOrAResetComeAsReplaysAndTheTokenStaysSmall() throws Exception {
        Serializer serializer = JacksonSerializer.defaultSerializer();
        MongoTemplate template =
                DefaultMongoTemplate.builder().mongoDatabase(server.database()).build();
        HistoryClock history = new HistoryClock();
        EmbeddedEventStore store = EmbeddedEventStore.builder()
                .storageEngine(new ReplaySafeMongoEventStorageEngine(
                        MongoEventStorageEngine.builder()
                                .mongoTemplate(template)
                                .eventSerializer(serializer)
                                .snapshotSerializer(serializer),
                        history))
                .build();
        Instant start = Instant.now().minus(Duration.ofHours(1));
        for (int i = 0; i < EVENTS; i++) {
            String aggregate = "agg-" + (i % 30);
            // Events are stored with the time they are recorded: the history is recorded over its hour.
            history.now = start.plus(SPACING.multipliedBy(i));
            store.publish(new GenericDomainEventMessage<>(
                    "Ping",
                    aggregate,
                    i / 30,
                    new Ping(i),
                    Map.of(),
                    "event-" + i,
                    start.plus(SPACING.multipliedBy(i))));
        }
        history.now = null;
        TokenStore tokens = MongoTokenStore.builder()
                .mongoTemplate(template)
                .serializer(serializer)
                .build();
        Recorder recorder = new Recorder();
        PooledStreamingEventProcessor processor = PooledStreamingEventProcessor.builder()
                .name("replayed")
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder()
                        .eventHandlers(recorder)
                        .build())
                .messageSource(store)
                .tokenStore(tokens)
                .transactionManager(NoTransactionManager.instance())
                .coordinatorExecutor(coordinator)
                .workerExecutor(workers)
                .initialSegmentCount(1)
                .batchSize(50)
                .build();

        processor.start();
        recorder.await(EVENTS);
        assertThat(recorder.replayFlags)
                .as("history before a new processor")
                .hasSize(EVENTS)
                .containsOnly(true);
        for (int i = 0; i < LATER; i++) {
            store.publish(new GenericDomainEventMessage<>("Ping", "later", i, new Ping(EVENTS + i)));
        }
        recorder.await(EVENTS + LATER);
        assertThat(recorder.replayFlags)
                .as("events after its start")
                .hasSize(EVENTS + LATER)
                .endsWith(false, false, false);
        processor.shutDown();

        processor.resetTokens();
        recorder.replayFlags.clear();
        processor.start();
        recorder.await(EVENTS + LATER);
        processor.shutDown();

        assertThat(recorder.replayFlags)
                .as("after a reset")
                .hasSize(EVENTS + LATER)
                .containsOnly(true);
        TrackingToken stored = tokens.fetchToken("replayed", 0);
        assertThat(stored).isInstanceOf(ReplayToken.class);
        assertThat(((ReplayToken) stored).getCurrentToken())
                .as("read back from the token store")
                .isInstanceOf(ReplaySafeMongoTrackingToken.class);
        // At most one second of events (100 here), not the 600 of the whole history.
        assertThat(known(((ReplayToken) stored).getTokenAtReset())).isLessThanOrEqualTo(LATER + 100);
        assertThat(known(((ReplayToken) stored).getCurrentToken())).isLessThanOrEqualTo(LATER + 100);
    }

    /** The recording time: a set instant while a history is laid down, the system's time otherwise. */
    static final class HistoryClock extends Clock {

        volatile Instant now;

        @Override
        public Instant instant() {
            Instant set = now;
            return set != null ? set : Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private static int known(TrackingToken token) {
        return ((MongoTrackingToken) token).getTrackedEvents().size();
    }

    /** Whether each event it gets is a replay. */
    static final class Recorder implements EventMessageHandler {

        final ConcurrentLinkedQueue<Boolean> replayFlags = new ConcurrentLinkedQueue<>();

        @Override
        public Object handle(EventMessage<?> event) {
            replayFlags.add(ReplayToken.isReplay(event));
            return null;
        }

        @Override
        public boolean supportsReset() {
            return true;
        }

        void await(int count) {
            Awaitility.await().atMost(PATIENCE).until(() -> replayFlags.size() >= count);
            // No more than that for a while: anything beyond the count would be an event handled twice.
            Awaitility.await()
                    .alias("no event handled twice")
                    .during(Duration.ofMillis(200))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> replayFlags.size() <= count);
        }
    }
}
