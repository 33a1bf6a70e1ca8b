package dev.sandpod.projections.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.queue.ExecutionEnqueuedEvent;
import dev.sandpod.api.queue.ExecutionReprioritizedEvent;
import dev.sandpod.api.queue.ExecutionSlotGrantedEvent;
import dev.sandpod.api.queue.ExecutionSlotReleasedEvent;
import dev.sandpod.api.queue.QueueIds;
import dev.sandpod.api.queue.QueueStatusView;
import dev.sandpod.projections.support.InMemoryMongo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The admin queue view (what waits at which priority, what runs) on an in-memory Mongo. */
@ExtendWith(InMemoryMongo.class)
class QueueProjectionTest {

    private static final String QUEUE = QueueIds.DEFAULT;
    private static final String RUN_1 = "exec-1";
    private static final String RUN_2 = "exec-2";
    private static final String RUN_3 = "exec-3";
    private static final Map<String, Long> NONE_WAITING =
            Map.of("critical", 0L, "high", 0L, "normal", 0L, "low", 0L, "background", 0L);

    private QueueProjection projection;

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        projection = new QueueProjection(mongo);
    }

    private void enqueue(String executionId, Priority priority) {
        projection.on(new ExecutionEnqueuedEvent(QUEUE, executionId, priority, Instant.now()), Instant.now());
    }

    private void grant(String executionId) {
        grant(executionId, Instant.now());
    }

    private void grant(String executionId, Instant at) {
        projection.on(new ExecutionSlotGrantedEvent(QUEUE, executionId), at);
    }

    private static Map<String, Long> waiting(String priority, long count) {
        var byPriority = new LinkedHashMap<>(NONE_WAITING);
        byPriority.put(priority, count);
        return byPriority;
    }

    @Test
    void anEmptyQueueShowsEveryPriorityWithNothingWaiting() {
        assertThat(projection.status()).isEqualTo(new QueueStatusView(0, 0, NONE_WAITING));
    }

    @Test
    void theStatusListsThePrioritiesHighestFirst() {
        assertThat(projection.status().byPriority().keySet())
                .containsExactly("critical", "high", "normal", "low", "background");
    }

    @Test
    void enqueuedExecutionsWaitAtTheirPriority() {
        enqueue(RUN_1, Priority.HIGH);
        enqueue(RUN_2, Priority.HIGH);
        enqueue(RUN_3, Priority.LOW);

        QueueStatusView status = projection.status();

        assertThat(status.queueDepth()).isEqualTo(3);
        assertThat(status.activeCount()).isZero();
        assertThat(status.byPriority())
                .containsEntry("high", 2L)
                .containsEntry("low", 1L)
                .containsEntry("normal", 0L);
    }

    @Test
    void aSecondDeliveryOfTheSameEnqueueingCountsTheExecutionOnce() {
        enqueue(RUN_1, Priority.NORMAL);

        enqueue(RUN_1, Priority.NORMAL);

        assertThat(projection.status()).isEqualTo(new QueueStatusView(1, 0, waiting("normal", 1)));
    }

    @Test
    void aReprioritizedExecutionWaitsAtItsNewPriority() {
        enqueue(RUN_1, Priority.LOW);

        projection.on(new ExecutionReprioritizedEvent(QUEUE, RUN_1, Priority.CRITICAL));

        assertThat(projection.status().byPriority()).isEqualTo(waiting("critical", 1));
    }

    @Test
    void anExecutionGrantedASlotIsActiveAndNoLongerWaits() {
        enqueue(RUN_1, Priority.NORMAL);
        enqueue(RUN_2, Priority.NORMAL);

        grant(RUN_1);

        assertThat(projection.status()).isEqualTo(new QueueStatusView(1, 1, waiting("normal", 1)));
    }

    @Test
    void aSecondDeliveryOfTheSameGrantCountsTheRunOnce() {
        enqueue(RUN_1, Priority.NORMAL);
        grant(RUN_1);

        grant(RUN_1);

        assertThat(projection.status()).isEqualTo(new QueueStatusView(0, 1, NONE_WAITING));
    }

    @Test
    void aReleasedSlotLeavesTheQueue() {
        enqueue(RUN_1, Priority.NORMAL);
        grant(RUN_1);

        projection.on(new ExecutionSlotReleasedEvent(QUEUE, RUN_1));

        assertThat(projection.status()).isEqualTo(new QueueStatusView(0, 0, NONE_WAITING));
    }

    @Test
    void aProjectionResetEmptiesTheQueueForARebuild() {
        enqueue(RUN_1, Priority.NORMAL);
        enqueue(RUN_2, Priority.HIGH);
        grant(RUN_2);

        projection.reset();

        assertThat(projection.status()).isEqualTo(new QueueStatusView(0, 0, NONE_WAITING));
    }

    @Test
    void theReconciliationSeesWhoWaitsAndWhoHoldsASlotSinceWhen() {
        Instant old = Instant.parse("2026-12-07T10:00:00Z");
        enqueue(RUN_1, Priority.NORMAL);
        grant(RUN_1, old);
        enqueue(RUN_2, Priority.NORMAL);
        grant(RUN_2, old.plusSeconds(60));
        enqueue(RUN_3, Priority.LOW);

        assertThat(projection.activeSince(old.plusSeconds(30)))
                .extracting(QueueProjection.Entry::executionId)
                .containsExactly(RUN_1);
        var entries = projection.entries(java.util.List.of(RUN_1, RUN_3, "not-queued"));
        assertThat(entries.keySet()).containsExactlyInAnyOrder(RUN_1, RUN_3);
        assertThat(entries.get(RUN_1).active()).isTrue();
        assertThat(entries.get(RUN_1).since()).isEqualTo(old);
        assertThat(entries.get(RUN_3).active()).isFalse();
    }
}
