package dev.sandpod.projections.execution;

import dev.sandpod.api.execution.ExecutionCancelledEvent;
import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionDeletedEvent;
import dev.sandpod.api.execution.ExecutionErroredEvent;
import dev.sandpod.api.execution.ExecutionFailedEvent;
import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionPriorityChangedEvent;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionRunningEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.api.execution.ExecutionStartedEvent;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.ExecutionStoppedEvent;
import dev.sandpod.api.execution.ExecutionTimedOutEvent;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.projections.IndexedAfterRebuild;
import dev.sandpod.projections.ReadModelReset;
import dev.sandpod.projections.live.LiveUpdates;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Keeps the execution result read model and the per-execution frame list, and pushes each stored frame
 * to live stream subscribers. Writes are idempotent (keyed by event id / guarded by sequence number), so a
 * redelivered event changes nothing; frames are not pushed while replaying. The writes of a batch of events
 * are buffered and written together at its last event ({@link ExecutionWrites}).
 */
@Component
@ProcessingGroup(ExecutionProjection.PROCESSING_GROUP)
public class ExecutionProjection implements IndexedAfterRebuild {

    public static final String PROCESSING_GROUP = "executions";

    private final MongoTemplate mongo;
    private final LiveUpdates live;
    private final AtomicLong flushes = new AtomicLong();

    ExecutionProjection(MongoTemplate mongo, LiveUpdates live) {
        this.mongo = mongo;
        this.live = live;
    }

    @EventHandler
    void on(
            ExecutionRequestedEvent event,
            EventMessage<?> message,
            @SequenceNumber long sequence,
            ReplayStatus replay) {
        ExecutionWrites writes = ExecutionWrites.current(mongo, flushes);
        ExecutionDocument doc = writes.find(event.executionId());
        if (doc == null) {
            doc = new ExecutionDocument();
            doc.executionId = event.executionId();
        }
        if (doc.lastSequence >= sequence) {
            endOfEvent(writes);
            return;
        }
        doc.userId = event.userId();
        doc.script = event.script();
        doc.expectedOutput = event.inputs().expectedOutput();
        doc.lang = event.lang();
        doc.langVersion = event.langVersion();
        doc.priority = event.priority();
        doc.status = ExecutionStatus.QUEUED;
        doc.stdout = "";
        doc.stderr = "";
        doc.createdAt = message.getTimestamp();
        doc.updatedAt = message.getTimestamp();
        doc.traceId = traceId(message);
        doc.lastSequence = sequence;
        writes.save(doc);
        recordFrame(
                writes, event.executionId(), "execution_requested", ExecutionStatus.QUEUED, message, sequence, replay);
        endOfEvent(writes);
    }

    @EventHandler
    void on(ExecutionQueuedEvent event, EventMessage<?> message, @SequenceNumber long sequence, ReplayStatus replay) {
        transition(event.executionId(), "execution_queued", ExecutionStatus.QUEUED, null, message, sequence, replay);
    }

    @EventHandler
    void on(
            ExecutionScheduledEvent event,
            EventMessage<?> message,
            @SequenceNumber long sequence,
            ReplayStatus replay) {
        transition(
                event.executionId(), "execution_scheduled", ExecutionStatus.SCHEDULED, null, message, sequence, replay);
    }

    @EventHandler
    void on(ExecutionStartedEvent event, EventMessage<?> message, @SequenceNumber long sequence, ReplayStatus replay) {
        transition(
                event.executionId(), "execution_started", ExecutionStatus.SCHEDULED, null, message, sequence, replay);
    }

    @EventHandler
    void on(ExecutionRunningEvent event, EventMessage<?> message, @SequenceNumber long sequence, ReplayStatus replay) {
        transition(event.executionId(), "execution_running", ExecutionStatus.RUNNING, null, message, sequence, replay);
    }

    @EventHandler
    void on(
            ExecutionCompletedEvent event,
            EventMessage<?> message,
            @SequenceNumber long sequence,
            ReplayStatus replay) {
        transition(
                event.executionId(),
                "execution_completed",
                ExecutionStatus.COMPLETED,
                outcome(event.outcome()),
                message,
                sequence,
                replay);
    }

    @EventHandler
    void on(ExecutionFailedEvent event, EventMessage<?> message, @SequenceNumber long sequence, ReplayStatus replay) {
        transition(
                event.executionId(),
                "execution_failed",
                ExecutionStatus.FAILED,
                outcome(event.outcome()),
                message,
                sequence,
                replay);
    }

    @EventHandler
    void on(ExecutionTimedOutEvent event, EventMessage<?> message, @SequenceNumber long sequence, ReplayStatus replay) {
        transition(
                event.executionId(),
                "execution_timeout",
                ExecutionStatus.TIMEOUT,
                outcome(event.outcome()),
                message,
                sequence,
                replay);
    }

    @EventHandler
    void on(
            ExecutionCancelledEvent event,
            EventMessage<?> message,
            @SequenceNumber long sequence,
            ReplayStatus replay) {
        transition(
                event.executionId(),
                "execution_cancelled",
                ExecutionStatus.CANCELLED,
                outcome(event.outcome()),
                message,
                sequence,
                replay);
    }

    /** The run a cancel stopped, as its runner reported it: the cancelled result gets its output. */
    @EventHandler
    void on(ExecutionStoppedEvent event, EventMessage<?> message, @SequenceNumber long sequence, ReplayStatus replay) {
        transition(
                event.executionId(),
                "execution_stopped",
                ExecutionStatus.CANCELLED,
                outcome(event.outcome()),
                message,
                sequence,
                replay);
    }

    @EventHandler
    void on(ExecutionErroredEvent event, EventMessage<?> message, @SequenceNumber long sequence, ReplayStatus replay) {
        transition(
                event.executionId(),
                "execution_error",
                ExecutionStatus.ERROR,
                doc -> doc.errorMessage = event.message(),
                message,
                sequence,
                replay);
    }

    @EventHandler
    void on(ResultStoredEvent event, EventMessage<?> message, @SequenceNumber long sequence, ReplayStatus replay) {
        transition(event.executionId(), "result_stored", event.status(), null, message, sequence, replay);
    }

    @EventHandler
    void on(ExecutionPriorityChangedEvent event, @SequenceNumber long sequence) {
        ExecutionWrites writes = ExecutionWrites.current(mongo, flushes);
        ExecutionDocument doc = writes.find(event.executionId());
        if (doc != null && doc.lastSequence < sequence) {
            doc.priority = event.priority();
            doc.lastSequence = sequence;
            writes.save(doc);
        }
        endOfEvent(writes);
    }

    /** The tombstone: gone from results, lists and streams; the event store keeps the history. */
    @EventHandler
    void on(ExecutionDeletedEvent event) {
        ExecutionWrites.current(mongo, flushes).evict(event.executionId());
        mongo.remove(Query.query(Criteria.where("_id").is(event.executionId())), ExecutionDocument.class);
        mongo.remove(Query.query(Criteria.where("executionId").is(event.executionId())), ExecutionFrameDocument.class);
    }

    /**
     * Before a rebuild: both collections dropped. The executions' list indexes follow once it has caught up; the
     * frames keep their unique {@code execution_sequence} index throughout, which a deleted execution's frames are
     * removed by and every stream reads them by (without it each would scan every frame), and which costs about as
     * much to keep up as to build afterwards (the server's build reads the collection twice; bench/operations).
     */
    @ResetHandler
    void reset() {
        ReadModelReset.dropForRebuild(mongo, ExecutionDocument.class);
        ReadModelReset.dropAndReindex(mongo, ExecutionFrameDocument.class);
    }

    @Override
    public String processingGroup() {
        return PROCESSING_GROUP;
    }

    @Override
    public void createIndexes() {
        ReadModelReset.createDeclaredIndexes(mongo, ExecutionDocument.class, ExecutionFrameDocument.class);
    }

    static Consumer<ExecutionDocument> outcome(ExecutionOutcome outcome) {
        return doc -> {
            if (outcome == null) {
                return;
            }
            doc.stdout = outcome.stdout();
            doc.stderr = outcome.stderr();
            doc.stdoutTruncated = outcome.stdoutTruncated();
            doc.stderrTruncated = outcome.stderrTruncated();
            doc.exitCode = outcome.exitCode();
            doc.errorType = outcome.errorType();
            doc.errorMessage = outcome.errorMessage();
            doc.resourceUsage = outcome.resourceUsage();
        };
    }

    private void transition(
            String executionId,
            String eventType,
            ExecutionStatus status,
            Consumer<ExecutionDocument> change,
            EventMessage<?> message,
            long sequence,
            ReplayStatus replay) {
        ExecutionWrites writes = ExecutionWrites.current(mongo, flushes);
        ExecutionDocument doc = writes.find(executionId);
        // <=: the result fast path may have written this event's state already (with the event's creation time);
        // the projection's write of the same event puts the stored commit time in its place.
        if (doc != null && doc.lastSequence <= sequence) {
            doc.status = status;
            if (change != null) {
                change.accept(doc);
            }
            doc.updatedAt = message.getTimestamp();
            doc.lastSequence = sequence;
            writes.save(doc);
        }
        recordFrame(writes, executionId, eventType, status, message, sequence, replay);
        endOfEvent(writes);
    }

    /**
     * Writes the batch's changes when this event is its last one (or stands alone): inside the handler, so before
     * the processor stores the batch's token (see {@link ExecutionWrites}).
     */
    private void endOfEvent(ExecutionWrites writes) {
        if (ExecutionWrites.endOfBatch() && writes.flush()) {
            flushes.incrementAndGet();
        }
    }

    /**
     * Writes to the read model since the start, each one bulk write per collection of whatever a batch of events
     * (or a single event outside of a batch) changed: far fewer than the events handled when they come in batches.
     */
    public long flushes() {
        return flushes.get();
    }

    private void recordFrame(
            ExecutionWrites writes,
            String executionId,
            String eventType,
            ExecutionStatus status,
            EventMessage<?> message,
            long sequence,
            ReplayStatus replay) {
        ExecutionFrameDocument frame = new ExecutionFrameDocument();
        frame.eventId = message.getIdentifier();
        frame.executionId = executionId;
        frame.sequence = sequence;
        frame.eventType = eventType;
        frame.timestamp = message.getTimestamp();
        frame.status = status;
        writes.save(frame);
        if (replay.isReplay()) {
            return;
        }
        // Live updates go out after the unit of work commits, i.e. after the batch's writes.
        ExecutionDocument doc = "result_stored".equals(eventType) ? writes.asStored(executionId) : null;
        live.executionFrame(toView(frame, doc));
    }

    static ExecutionFrameView toView(ExecutionFrameDocument frame, ExecutionDocument result) {
        return new ExecutionFrameView(
                frame.eventType,
                frame.executionId,
                frame.timestamp,
                frame.eventId,
                frame.status,
                result == null ? null : result.toView(),
                null,
                null,
                frame.sequence);
    }

    /** The trace id of a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}) in the metadata. */
    static String traceId(EventMessage<?> message) {
        Object traceparent = message.getMetaData().get("traceparent");
        if (traceparent instanceof String value) {
            String[] parts = value.split("-");
            if (parts.length == 4 && parts[1].length() == 32 && !parts[1].matches("0+")) {
                return parts[1];
            }
        }
        return null;
    }
}
