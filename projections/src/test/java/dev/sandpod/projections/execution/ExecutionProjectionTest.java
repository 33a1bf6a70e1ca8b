package dev.sandpod.projections.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sandpod.api.execution.ExecutionCancelledEvent;
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
import dev.sandpod.api.execution.ExecutionStoppedEvent;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.api.execution.StreamExecutionQuery;
import dev.sandpod.projections.support.InMemoryMongo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.queryhandling.GenericSubscriptionQueryMessage;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The projection against a real Mongo wire protocol server (in memory). */
@ExtendWith(InMemoryMongo.class)
class ExecutionProjectionTest {

    private static final String ID = "exec-1";
    private static final String USER = "user-1";
    private static final ExecutionLimits LIMITS = new ExecutionLimits(10, 1 << 27, 1000, 64, 1 << 20, 10 << 20);
    private static final ExecutionOutcome HI =
            new ExecutionOutcome("hi\n", "", false, false, 0, null, null, new ResourceUsage(0.03, 2, 100, 9100));

    private static final ExecutionOutcome PRINTED_UNTIL_CANCEL = new ExecutionOutcome(
            "0\n1\n", "", false, false, -1, null, "Execution cancelled", new ResourceUsage(1.2, 3, 100, 8000));

    private SimpleQueryUpdateEmitter emitter;
    private ExecutionProjection projection;
    private ExecutionReadModel readModel;
    private long sequence;

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        emitter = SimpleQueryUpdateEmitter.builder().build();
        projection = new ExecutionProjection(mongo, new dev.sandpod.projections.live.LocalLiveUpdates(emitter));
        readModel = new ExecutionReadModel(mongo);
        sequence = 0;
    }

    private final List<EventMessage<?>> delivered = new ArrayList<>();

    private EventMessage<?> message(Object payload) {
        EventMessage<?> message = new GenericDomainEventMessage<>("Execution", ID, sequence++, payload);
        delivered.add(message);
        return message;
    }

    private void runToCompletion() {
        var requested = new ExecutionRequestedEvent(ID, USER, "print('hi')", "python", "3.11", Priority.NORMAL);
        var m0 = message(requested);
        projection.on(requested, m0, 0, ReplayStatus.REGULAR);
        apply(new ExecutionQueuedEvent(ID, USER, Priority.NORMAL));
        apply(new ExecutionScheduledEvent(ID, "print('hi')", "python", "3.11", LIMITS));
        apply(new ExecutionStartedEvent(ID, "local@test"));
        apply(new ExecutionRunningEvent(ID));
        apply(new ExecutionCompletedEvent(ID, HI));
        apply(new ResultStoredEvent(ID, ExecutionStatus.COMPLETED));
    }

    private void apply(Object event) {
        long seq = sequence;
        handle(event, message(event), seq);
    }

    private void handle(Object event, EventMessage<?> m, long seq) {
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
        } else if (event instanceof ExecutionCancelledEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        } else if (event instanceof ExecutionStoppedEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        } else if (event instanceof ResultStoredEvent e) {
            projection.on(e, m, seq, ReplayStatus.REGULAR);
        } else {
            throw new IllegalArgumentException(event.toString());
        }
    }

    @Test
    void aCompletedRunIsReadableWithItsOutputAndUsage() {
        runToCompletion();

        var result = readModel.result(ID).orElseThrow();
        assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(result.stdout()).isEqualTo("hi\n");
        assertThat(result.exitCode()).isZero();
        assertThat(result.resourceUsage().clkTckHertz()).isEqualTo(100);
        assertThat(result.userId()).isEqualTo(USER);
    }

    @Test
    void framesAreKeptInOrderWithTheResultOnResultStored() {
        runToCompletion();

        List<ExecutionFrameView> frames = readModel.frames(ID);
        assertThat(frames)
                .extracting(ExecutionFrameView::eventType)
                .containsExactly(
                        "execution_requested",
                        "execution_queued",
                        "execution_scheduled",
                        "execution_started",
                        "execution_running",
                        "execution_completed",
                        "result_stored");
        assertThat(frames.get(frames.size() - 1).result().stdout()).isEqualTo("hi\n");
    }

    /**
     * Each lifecycle frame, stored and pushed live, carries the status the execution has once its event
     * happened, from {@code execution_requested} to {@code result_stored}: the stream sends it on every frame.
     */
    @Test
    void everyFrameCarriesTheStatusOfItsEvent() {
        var subscription = emitter.registerUpdateHandler(
                new GenericSubscriptionQueryMessage<>(
                        new StreamExecutionQuery(ID),
                        ResponseTypes.multipleInstancesOf(ExecutionFrameView.class),
                        ResponseTypes.instanceOf(ExecutionFrameView.class)),
                64);
        List<ExecutionFrameView> pushed = new ArrayList<>();
        subscription.getUpdates().subscribe(update -> pushed.add((ExecutionFrameView) update.getPayload()));

        runToCompletion();

        var expected = List.of(
                tuple("execution_requested", ExecutionStatus.QUEUED),
                tuple("execution_queued", ExecutionStatus.QUEUED),
                tuple("execution_scheduled", ExecutionStatus.SCHEDULED),
                tuple("execution_started", ExecutionStatus.SCHEDULED),
                tuple("execution_running", ExecutionStatus.RUNNING),
                tuple("execution_completed", ExecutionStatus.COMPLETED),
                tuple("result_stored", ExecutionStatus.COMPLETED));
        assertThat(readModel.frames(ID))
                .extracting(ExecutionFrameView::eventType, ExecutionFrameView::status)
                .containsExactlyElementsOf(expected);
        assertThat(pushed)
                .extracting(ExecutionFrameView::eventType, ExecutionFrameView::status)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void theFramesOfACancelledRunCarryCancelledFromTheCancelOn() {
        var requested = new ExecutionRequestedEvent(ID, USER, "print(0)", "python", "3.11", Priority.NORMAL);
        var m0 = message(requested);
        projection.on(requested, m0, 0, ReplayStatus.REGULAR);
        apply(new ExecutionQueuedEvent(ID, USER, Priority.NORMAL));
        apply(new ExecutionScheduledEvent(ID, "print(0)", "python", "3.11", LIMITS));
        apply(new ExecutionStartedEvent(ID, "local@test"));
        apply(new ExecutionRunningEvent(ID));
        apply(new ExecutionCancelledEvent(ID, USER, "enough", ExecutionOutcome.notRun(null, "enough")));
        apply(new ExecutionStoppedEvent(ID, PRINTED_UNTIL_CANCEL));
        apply(new ResultStoredEvent(ID, ExecutionStatus.CANCELLED));

        assertThat(readModel.frames(ID))
                .extracting(ExecutionFrameView::eventType, ExecutionFrameView::status)
                .endsWith(
                        tuple("execution_running", ExecutionStatus.RUNNING),
                        tuple("execution_cancelled", ExecutionStatus.CANCELLED),
                        tuple("execution_stopped", ExecutionStatus.CANCELLED),
                        tuple("result_stored", ExecutionStatus.CANCELLED));
    }

    /** Cancelled at once; what the runner reports of the stopped run is the result's output. */
    @Test
    void aCancelledRunKeepsWhatItPrintedUntilTheRunnerStoppedIt() {
        var requested = new ExecutionRequestedEvent(ID, USER, "print(0)", "python", "3.11", Priority.NORMAL);
        var m0 = message(requested);
        projection.on(requested, m0, 0, ReplayStatus.REGULAR);
        apply(new ExecutionQueuedEvent(ID, USER, Priority.NORMAL));
        apply(new ExecutionScheduledEvent(ID, "print(0)", "python", "3.11", LIMITS));
        apply(new ExecutionStartedEvent(ID, "local@test"));
        apply(new ExecutionRunningEvent(ID));
        apply(new ExecutionCancelledEvent(ID, USER, "enough", ExecutionOutcome.notRun(null, "enough")));

        assertThat(readModel.result(ID).orElseThrow().status()).isEqualTo(ExecutionStatus.CANCELLED);

        apply(new ExecutionStoppedEvent(ID, PRINTED_UNTIL_CANCEL));
        apply(new ResultStoredEvent(ID, ExecutionStatus.CANCELLED));

        var result = readModel.result(ID).orElseThrow();
        assertThat(result.status()).isEqualTo(ExecutionStatus.CANCELLED);
        assertThat(result.stdout()).isEqualTo("0\n1\n");
        assertThat(result.exitCode()).isEqualTo(-1);
        List<ExecutionFrameView> frames = readModel.frames(ID);
        assertThat(frames)
                .extracting(ExecutionFrameView::eventType)
                .endsWith("execution_cancelled", "execution_stopped", "result_stored");
        assertThat(frames.get(frames.size() - 1).result().stdout()).isEqualTo("0\n1\n");
    }

    @Test
    void aRedeliveredEventChangesNothing() {
        runToCompletion();
        EventMessage<?> again = delivered.get(4);

        projection.on((ExecutionRunningEvent) again.getPayload(), again, 4, ReplayStatus.REGULAR);

        assertThat(readModel.result(ID).orElseThrow().status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(readModel.frames(ID)).hasSize(7);
    }

    @Test
    void storedFramesArePushedToLiveSubscribersButNotDuringAReplay() {
        var subscription = emitter.registerUpdateHandler(
                new GenericSubscriptionQueryMessage<>(
                        new StreamExecutionQuery(ID),
                        ResponseTypes.multipleInstancesOf(ExecutionFrameView.class),
                        ResponseTypes.instanceOf(ExecutionFrameView.class)),
                64);
        List<String> pushed = new ArrayList<>();
        subscription
                .getUpdates()
                .subscribe(update -> pushed.add(((ExecutionFrameView) update.getPayload()).eventType()));

        runToCompletion();
        var replayed = new ExecutionRunningEvent(ID);
        projection.on(
                replayed, new GenericDomainEventMessage<>("Execution", ID, 99, replayed), 99, ReplayStatus.REPLAY);

        assertThat(pushed).hasSize(7).endsWith("result_stored");
    }

    /**
     * In a processor's batch (one unit of work over many events) nothing is written until the batch's last event,
     * and then every document is what the events one at a time would have written, field by field.
     */
    @Test
    void aBatchIsWrittenAtItsLastEventExactlyAsEventByEvent(MongoTemplate mongo) throws Exception {
        runToCompletion();
        Map<Object, Document> executionsOneByOne = raw(mongo, ExecutionDocument.COLLECTION);
        Map<Object, Document> framesOneByOne = raw(mongo, ExecutionFrameDocument.COLLECTION);
        assertThat(framesOneByOne).hasSize(7);
        mongo.dropCollection(ExecutionDocument.class);
        mongo.dropCollection(ExecutionFrameDocument.class);

        // the same events again, the fifth one twice (a redelivery inside the batch changes nothing either)
        List<EventMessage<?>> batch = new ArrayList<>(delivered);
        batch.add(5, delivered.get(4));
        List<Long> storedWhileHandling = new ArrayList<>();
        new BatchingUnitOfWork<>(batch).executeWithResult(() -> {
            EventMessage<?> m = (EventMessage<?>) CurrentUnitOfWork.get().getMessage();
            handle(m.getPayload(), m, ((DomainEventMessage<?>) m).getSequenceNumber());
            storedWhileHandling.add(
                    mongo.getCollection(ExecutionFrameDocument.COLLECTION).countDocuments());
            return null;
        });

        assertThat(storedWhileHandling)
                .hasSize(8)
                .startsWith(0L, 0L, 0L, 0L, 0L, 0L, 0L)
                .endsWith(7L);
        assertThat(raw(mongo, ExecutionDocument.COLLECTION)).isEqualTo(executionsOneByOne);
        assertThat(raw(mongo, ExecutionFrameDocument.COLLECTION)).isEqualTo(framesOneByOne);
    }

    private static Map<Object, Document> raw(MongoTemplate mongo, String collection) {
        Map<Object, Document> byId = new TreeMap<>();
        mongo.getCollection(collection).find().forEach(d -> byId.put(d.get("_id"), d));
        return byId;
    }

    @Test
    void aUsersListIsNewestFirstAndFiltered() {
        runToCompletion();

        var page = readModel.page(
                new FindUserExecutionsQuery(USER, ExecutionStatus.COMPLETED, "python", null, null, 50, 0));
        var none = readModel.page(new FindUserExecutionsQuery(USER, ExecutionStatus.FAILED, null, null, null, 50, 0));
        var other = readModel.page(new FindUserExecutionsQuery("someone-else", null, null, null, null, 50, 0));

        assertThat(page.total()).isEqualTo(1);
        assertThat(page.executions()).extracting(v -> v.executionId()).containsExactly(ID);
        assertThat(none.total()).isZero();
        assertThat(other.executions()).isEmpty();
    }
}
