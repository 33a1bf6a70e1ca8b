package dev.sandpod.query.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.sandpod.projections.IndexedAfterRebuild;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;

/**
 * A projection rebuilt without its secondary indexes ({@link IndexedAfterRebuild}) gets them when the rebuild has
 * caught up, before the rebuild is shown as finished: not while it replays (each write would keep them up to date,
 * a fifth of a rebuild's CPU in bench/operations), and not never (every list would scan the rebuilt model).
 */
class RebuildIndexesTheModelWhenCaughtUpTest {

    private static final String NAME = "executions";

    @Test
    void theIndexesAreCreatedOnceTheRebuildHasCaughtUpAndBeforeItEnds() {
        RebuildEndsOnlyAfterTheResetTest.Store store = new RebuildEndsOnlyAfterTheResetTest.Store();
        StreamingEventProcessor processor = mock(StreamingEventProcessor.class);
        when(processor.getName()).thenReturn(NAME);
        when(processor.supportsReset()).thenReturn(true);
        when(processor.isRunning()).thenReturn(false);
        when(processor.processingStatus()).thenReturn(Map.of());
        when(processor.shutdownAsync()).thenReturn(CompletableFuture.completedFuture(null));
        doAnswer(invocation -> {
                    store.token = null; // the reset: the projection starts from the first event
                    return null;
                })
                .when(processor)
                .resetTokens();
        EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);
        when(processing.eventProcessors()).thenReturn(Map.<String, EventProcessor>of(NAME, processor));
        when(processing.eventProcessor(NAME)).thenReturn(Optional.of(processor));
        when(processing.eventProcessor(eq(NAME), any())).thenReturn(Optional.of(processor));
        when(processing.deadLetterQueue(NAME)).thenReturn(Optional.empty());

        // For each index creation: whether the rebuild was still shown as running then.
        List<Boolean> created = new CopyOnWriteArrayList<>();
        IndexedAfterRebuild executions = new IndexedAfterRebuild() {
            @Override
            public String processingGroup() {
                return NAME;
            }

            @Override
            public void createIndexes() {
                created.add(store.rebuilds.get(NAME).running());
            }
        };
        IndexedAfterRebuild other = new IndexedAfterRebuild() {
            @Override
            public String processingGroup() {
                return "users";
            }

            @Override
            public void createIndexes() {
                throw new AssertionError("another projection's indexes");
            }
        };

        ProcessorOperations operations = new ProcessorOperations(processing, store, List.of(other, executions));
        operations.start();
        try {
            operations.replay(NAME);
            int reads = store.ticks.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> store.ticks.get() >= reads + 8);
            assertThat(store.rebuilds.get(NAME).running()).isTrue();
            assertThat(created).as("indexes created while the rebuild replays").isEmpty();

            store.token = store.atHead; // the replay passes the events of the reset
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !store.rebuilds.get(NAME).running());
            assertThat(store.rebuilds.get(NAME).failure()).isNull();
            assertThat(created).as("created once, before the rebuild ended").containsExactly(true);
        } finally {
            operations.stop();
        }
    }
}
