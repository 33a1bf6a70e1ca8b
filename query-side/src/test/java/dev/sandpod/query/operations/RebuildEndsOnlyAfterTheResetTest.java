package dev.sandpod.query.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.api.Test;

/**
 * A rebuild ends when its segments have passed the events the store held at the reset. Until the reset is
 * done, the token store still holds the projection's old tokens, at the head of the store: a tick that
 * followed the rebuild then took them for its progress and declared a rebuild over 100 000 events finished two
 * seconds after it began, while it went on for minutes (bench/operations, 14:26 run: "server 42 427 ev/s", 1 SSE
 * frame, the client's lag 0 only 180 s later). Resetting the tokens takes a while (the read model's reset
 * handlers drop and index its collections); here it takes as long as several ticks.
 */
class RebuildEndsOnlyAfterTheResetTest {

    private static final String NAME = "executions";
    private static final long EVENTS = 1_000;

    /** The token store and event counts as Mongo holds them; a null token has seen nothing. */
    static final class Store implements ProcessorStore {
        final TrackingToken atHead = mock(TrackingToken.class);
        volatile TrackingToken token = atHead;
        final Set<String> paused = ConcurrentHashMap.newKeySet();
        final Map<String, Rebuild> rebuilds = new ConcurrentHashMap<>();
        /** Every tick reads the pause flags first. */
        final AtomicInteger ticks = new AtomicInteger();

        @Override
        public List<Claim> claims(String processorName) {
            return List.of(new Claim(0, null, token));
        }

        @Override
        public long totalEvents() {
            return EVENTS;
        }

        @Override
        public long eventsAfter(TrackingToken token) {
            return token == null ? EVENTS : 0;
        }

        @Override
        public Set<String> pausedProcessors() {
            ticks.incrementAndGet();
            return Set.copyOf(paused);
        }

        @Override
        public void setPausedByAdmin(String processorName, boolean pause) {
            if (pause) {
                paused.add(processorName);
            } else {
                paused.remove(processorName);
            }
        }

        @Override
        public Map<String, Rebuild> rebuilds() {
            return Map.copyOf(rebuilds);
        }

        @Override
        public void rebuildStarted(String processorName, Rebuild rebuild) {
            rebuilds.put(processorName, rebuild);
        }

        @Override
        public void rebuildEnded(String processorName, Instant startedAt, Instant finishedAt, String failure) {
            rebuilds.computeIfPresent(
                    processorName,
                    (name, r) -> r.startedAt().equals(startedAt) && r.running()
                            ? new Rebuild(startedAt, r.target(), finishedAt, failure, r.startedBy())
                            : r);
        }
    }

    @Test
    void aTickDuringTheResetDoesNotTakeTheOldTokensForTheRebuildsEnd() {
        Store store = new Store();
        StreamingEventProcessor processor = mock(StreamingEventProcessor.class);
        when(processor.getName()).thenReturn(NAME);
        when(processor.supportsReset()).thenReturn(true);
        when(processor.isRunning()).thenReturn(false);
        when(processor.processingStatus()).thenReturn(Map.of());
        when(processor.shutdownAsync()).thenReturn(CompletableFuture.completedFuture(null));
        doAnswer(invocation -> {
                    // The reset handlers take a while; ticks go on meanwhile and read the old tokens.
                    int reads = store.ticks.get();
                    await().atMost(Duration.ofSeconds(30)).until(() -> store.ticks.get() >= reads + 4);
                    store.token = null;
                    return null;
                })
                .when(processor)
                .resetTokens();
        EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);
        when(processing.eventProcessors()).thenReturn(Map.<String, EventProcessor>of(NAME, processor));
        when(processing.eventProcessor(NAME)).thenReturn(Optional.of(processor));
        when(processing.eventProcessor(eq(NAME), any())).thenReturn(Optional.of(processor));
        when(processing.deadLetterQueue(NAME)).thenReturn(Optional.empty());

        ProcessorOperations operations = new ProcessorOperations(processing, store);
        operations.start();
        try {
            operations.replay(NAME);
            // Ticks after the reset: the rebuild has seen none of its events, so it is still running.
            int reads = store.ticks.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> store.ticks.get() >= reads + 4);
            assertThat(store.rebuilds.get(NAME).running())
                    .as("rebuild %s", store.rebuilds.get(NAME))
                    .isTrue();
            assertThat(operations.one(NAME).replay().status()).isEqualTo("replaying");

            store.token = store.atHead; // the replay passes the events of the reset
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !store.rebuilds.get(NAME).running());
            assertThat(store.rebuilds.get(NAME).failure()).isNull();
        } finally {
            operations.stop();
        }
    }
}
