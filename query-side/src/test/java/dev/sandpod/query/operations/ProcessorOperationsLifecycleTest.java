package dev.sandpod.query.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.api.Test;

/**
 * The operations' tick runs only while the application runs: never in a context that did not start, and
 * never after the stop, which waits for a tick in flight — the stores close right after it, and a tick on a
 * closed Mongo client fails ("state should be: open").
 */
class ProcessorOperationsLifecycleTest {

    /** A store that takes a while to answer, as Mongo does, and counts what it is asked after it closed. */
    static final class SlowStore implements ProcessorStore {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger afterClose = new AtomicInteger();
        volatile boolean inFlight;
        volatile boolean closed;

        private void call() {
            calls.incrementAndGet();
            inFlight = true;
            long until = System.nanoTime() + Duration.ofMillis(200).toNanos();
            // like a socket read: an interrupt does not end it
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            inFlight = false;
            if (closed) {
                afterClose.incrementAndGet();
                throw new IllegalStateException("state should be: open");
            }
        }

        @Override
        public List<Claim> claims(String processorName) {
            call();
            return List.of();
        }

        @Override
        public long totalEvents() {
            call();
            return 0;
        }

        @Override
        public long eventsAfter(TrackingToken token) {
            call();
            return 0;
        }

        @Override
        public Set<String> pausedProcessors() {
            call();
            return Set.of();
        }

        @Override
        public void setPausedByAdmin(String processorName, boolean paused) {
            call();
        }

        @Override
        public Map<String, Rebuild> rebuilds() {
            call();
            return Map.of();
        }

        @Override
        public void rebuildStarted(String processorName, Rebuild rebuild) {
            call();
        }

        @Override
        public void rebuildEnded(String processorName, Instant startedAt, Instant finishedAt, String failure) {
            call();
        }
    }

    private static EventProcessingConfiguration noProcessors() {
        EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);
        when(processing.eventProcessors()).thenReturn(Map.of());
        return processing;
    }

    @Test
    void stopWaitsForTheTickInFlightAndNoTickRunsAfterIt() {
        SlowStore store = new SlowStore();
        ProcessorOperations operations = new ProcessorOperations(noProcessors(), store);
        operations.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.inFlight);

        operations.stop();
        store.closed = true; // what the context does next: close the Mongo client

        assertThat(operations.isRunning()).isFalse();
        int calls = store.calls.get();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> store.calls.get() == calls);
        assertThat(store.afterClose).hasValue(0);
    }

    @Test
    void aContextThatNeverStartedNeverTicks() {
        SlowStore store = new SlowStore();
        ProcessorOperations operations = new ProcessorOperations(noProcessors(), store);

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> store.calls.get() == 0);

        operations.destroy(); // a failed refresh destroys the beans without stopping them
        assertThat(store.calls).hasValue(0);
    }
}
