package dev.sandpod.query.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.api.Test;

/**
 * An idle instance's operations tick asks the store once per tick for the pause flags and the rebuilds together
 * (issue 21, idle CPU: two queries every 250 ms were most of what the idle store answered), and still pauses a
 * processor an admin paused on another instance.
 */
class TickReadsTheControlsOnceTest {

    static final class CountingStore implements ProcessorStore {
        final AtomicInteger controls = new AtomicInteger();
        final AtomicInteger separateReads = new AtomicInteger();

        @Override
        public Controls controls() {
            controls.incrementAndGet();
            return new Controls(Set.of("paused-elsewhere"), Map.of());
        }

        @Override
        public Set<String> pausedProcessors() {
            separateReads.incrementAndGet();
            return Set.of("paused-elsewhere");
        }

        @Override
        public Map<String, Rebuild> rebuilds() {
            separateReads.incrementAndGet();
            return Map.of();
        }

        @Override
        public List<Claim> claims(String processorName) {
            return List.of();
        }

        @Override
        public long totalEvents() {
            return 0;
        }

        @Override
        public long eventsAfter(TrackingToken token) {
            return 0;
        }

        @Override
        public void setPausedByAdmin(String processorName, boolean paused) {}

        @Override
        public void rebuildStarted(String processorName, Rebuild rebuild) {}

        @Override
        public void rebuildEnded(String processorName, Instant startedAt, Instant finishedAt, String failure) {}
    }

    @Test
    void eachTickReadsThePauseFlagsAndRebuildsInOneQueryAndStillPauses() {
        StreamingEventProcessor processor = mock(StreamingEventProcessor.class);
        when(processor.getName()).thenReturn("paused-elsewhere");
        when(processor.isRunning()).thenReturn(true);
        EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);
        when(processing.eventProcessors()).thenReturn(Map.of("paused-elsewhere", (EventProcessor) processor));
        CountingStore store = new CountingStore();
        ProcessorOperations operations = new ProcessorOperations(processing, store);
        operations.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> store.controls.get() >= 3);
            verify(processor, atLeastOnce()).shutDown();
        } finally {
            operations.stop();
        }
        assertThat(store.separateReads.get())
                .as("reads besides the one per tick")
                .isZero();
    }
}
