package dev.sandpod.projections.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.ExecutionLimits;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionRunningEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.api.execution.ExecutionStartedEvent;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.api.execution.StreamExecutionQuery;
import dev.sandpod.projections.live.LocalLiveUpdates;
import dev.sandpod.projections.support.InMemoryMongo;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.queryhandling.GenericSubscriptionQueryMessage;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The fast path beside the projection, on a real Mongo wire protocol server (in memory): it emits every lifecycle
 * frame in order, and the read model holds the result before the final frame leaves — and keeps holding it while
 * the projection, behind, writes the run's earlier events.
 */
@ExtendWith(InMemoryMongo.class)
class ResultFastPathWritesTest {

    private static final String ID = "exec-1";
    private static final ExecutionLimits LIMITS = new ExecutionLimits(10, 1 << 27, 1000, 64, 1 << 20, 10 << 20);
    private static final ExecutionOutcome HI =
            new ExecutionOutcome("hi\n", "", false, false, 0, null, null, new ResourceUsage(0.03, 2, 100, 9100));

    private MongoTemplate mongo;
    private ExecutionProjection projection;
    private ResultFastPath fastPath;
    private ExecutionReadModel readModel;
    private final List<EventMessage<?>> events = new ArrayList<>();
    private final List<ExecutionFrameView> pushed = new ArrayList<>();
    /** The read model's status of the run at the moment each final frame went out. */
    private final List<ExecutionStatus> readWhenFinalFrameLeft = new ArrayList<>();

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        this.mongo = mongo;
        SimpleQueryUpdateEmitter emitter = SimpleQueryUpdateEmitter.builder().build();
        // the projection's frames go elsewhere: what is pushed here is the fast path's
        projection = new ExecutionProjection(
                mongo, new LocalLiveUpdates(SimpleQueryUpdateEmitter.builder().build()));
        fastPath = new ResultFastPath(mongo, new LocalLiveUpdates(emitter), true);
        readModel = new ExecutionReadModel(mongo);
        emitter.registerUpdateHandler(
                        new GenericSubscriptionQueryMessage<>(
                                new StreamExecutionQuery(ID),
                                ResponseTypes.multipleInstancesOf(ExecutionFrameView.class),
                                ResponseTypes.instanceOf(ExecutionFrameView.class)),
                        64)
                .getUpdates()
                .subscribe(update -> {
                    ExecutionFrameView frame = (ExecutionFrameView) update.getPayload();
                    pushed.add(frame);
                    if (frame.isFinal()) {
                        readModel.result(ID).ifPresent(result -> readWhenFinalFrameLeft.add(result.status()));
                    }
                });
        for (Object event : List.of(
                new ExecutionRequestedEvent(ID, "user-1", "print('hi')", "python", "3.11", Priority.NORMAL),
                new ExecutionQueuedEvent(ID, "user-1", Priority.NORMAL),
                new ExecutionScheduledEvent(ID, "print('hi')", "python", "3.11", LIMITS),
                new ExecutionStartedEvent(ID, "local@test"),
                new ExecutionRunningEvent(ID),
                new ExecutionCompletedEvent(ID, HI),
                new ResultStoredEvent(ID, ExecutionStatus.COMPLETED))) {
            events.add(new GenericDomainEventMessage<>("Execution", ID, events.size(), event));
        }
    }

    @Test
    void everyFrameGoesOutInOrderAndTheReadModelHasTheResultBeforeTheFinalFrame() {
        project(0, 1, 2); // the projection has stored the run's first events
        for (int i = 0; i < events.size(); i++) {
            fast(i);
        }

        assertThat(pushed)
                .extracting(ExecutionFrameView::eventType)
                .containsExactly(
                        "execution_requested",
                        "execution_queued",
                        "execution_scheduled",
                        "execution_started",
                        "execution_running",
                        "execution_completed",
                        "result_stored");
        assertThat(pushed).extracting(ExecutionFrameView::sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(pushed.get(6).result().stdout()).isEqualTo("hi\n");
        assertThat(readWhenFinalFrameLeft).containsExactly(ExecutionStatus.COMPLETED);
        assertThat(readModel.result(ID).orElseThrow().stdout()).isEqualTo("hi\n");
    }

    /** A batch that read the execution before the fast path wrote the result does not put its older state back. */
    @Test
    void aProjectionBatchBehindTheFastPathDoesNotTakeTheResultBack() {
        project(0, 1, 2);
        for (int i = 0; i < 3; i++) {
            fast(i);
        }
        List<EventMessage<?>> batch = List.of(events.get(3), events.get(4));
        new BatchingUnitOfWork<>(batch).executeWithResult(() -> {
            EventMessage<?> m = (EventMessage<?>) CurrentUnitOfWork.get().getMessage();
            handle(m);
            if (m == events.get(3)) { // the batch has read the execution; meanwhile the run ends, fast
                for (int i = 3; i < events.size(); i++) {
                    fast(i);
                }
            }
            return null;
        });

        assertThat(readModel.result(ID).orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(readModel.result(ID).orElseThrow().stdout()).isEqualTo("hi\n");

        project(5, 6); // the projection catches up: its own write of the result replaces the fast path's
        ExecutionDocument doc = mongo.findById(ID, ExecutionDocument.class);
        assertThat(doc.status).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(doc.lastSequence).isEqualTo(6);
        assertThat(readModel.frames(ID)).hasSize(7);
    }

    @Test
    void aRunWhoseFirstEventsItMissedGetsNoFramesFromTheFastPath() {
        project(0, 1, 2);
        fastPath.setEnabled(false);
        fast(0);
        fastPath.setEnabled(true);
        for (int i = 1; i < events.size(); i++) {
            fast(i);
        }

        assertThat(pushed).isEmpty();
        assertThat(fastPath.framesSent()).isZero();
    }

    private void project(int... indexes) {
        for (int i : indexes) {
            handle(events.get(i));
        }
    }

    private void handle(EventMessage<?> m) {
        long seq = ((DomainEventMessage<?>) m).getSequenceNumber();
        Object event = m.getPayload();
        if (event instanceof ExecutionRequestedEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        } else if (event instanceof ExecutionQueuedEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        } else if (event instanceof ExecutionScheduledEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        } else if (event instanceof ExecutionStartedEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        } else if (event instanceof ExecutionRunningEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        } else if (event instanceof ExecutionCompletedEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        } else if (event instanceof ResultStoredEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        }
    }

    /** The fast path's handler of the i-th event, as the subscribing processor calls it at the event's commit. */
    private void fast(int i) {
        EventMessage<?> m = events.get(i);
        Object event = m.getPayload();
        if (event instanceof ExecutionRequestedEvent e) {
            fastPath.on(e, m, i);
        } else if (event instanceof ExecutionQueuedEvent e) {
            fastPath.on(e, m, i);
        } else if (event instanceof ExecutionScheduledEvent e) {
            fastPath.on(e, m, i);
        } else if (event instanceof ExecutionStartedEvent e) {
            fastPath.on(e, m, i);
        } else if (event instanceof ExecutionRunningEvent e) {
            fastPath.on(e, m, i);
        } else if (event instanceof ExecutionCompletedEvent e) {
            fastPath.on(e, m, i);
        } else if (event instanceof ResultStoredEvent e) {
            fastPath.on(e, m, i);
        }
    }
}
