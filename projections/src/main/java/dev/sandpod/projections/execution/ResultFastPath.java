package dev.sandpod.projections.execution;

import dev.sandpod.api.execution.ExecutionCancelledEvent;
import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionDeletedEvent;
import dev.sandpod.api.execution.ExecutionErroredEvent;
import dev.sandpod.api.execution.ExecutionFailedEvent;
import dev.sandpod.api.execution.ExecutionFrameView;
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
import dev.sandpod.projections.live.LiveUpdates;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.SequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * The best-effort fast path of a run's lifecycle frames (issue 21): a subscribing handler, so it runs in the unit of
 * work that stores each of the run's events, and the frame reaches the open streams as soon as that commit is done
 * (the emitter sends updates after the commit, never for a rolled-back one), instead of after the {@code executions}
 * processor has read the events back from the store, handled them and stored its token: tens of milliseconds per
 * frame here, most of the wait between a run's end and its {@code result_stored} frame.
 *
 * <p>The guaranteed path stays as it was: {@link ExecutionProjection} stores every frame and pushes it too, and a
 * stream sends each event's frame once and never a frame of an earlier event after a later one
 * ({@code query.execution.ExecutionStream}), so a client sees whichever path is first, in the order of the run's
 * events. That order is why this path keeps a chain per run: it emits a frame only when it emitted the frames of
 * every earlier event of the run, from {@code execution_requested} on (it saw each one, in this JVM, while it was
 * on). Once it misses one — it was off, it failed, the read model did not have the run yet, an event was committed
 * on another instance, the run started before this instance did — it emits nothing more for that run, and the
 * projection delivers the rest. A final frame of this path therefore never overtakes an earlier frame (a stream ends
 * at {@code result_stored}: an overtaking final frame would end it without them).
 *
 * <p>Frames are built as the projection builds them; the result of the final frame is the execution's document as
 * the read model has it with this run's later changes applied. That document is written to the read model before
 * the frame leaves (only over an older state of it, see {@link ExecutionWrites}), so a client that reads the
 * result once its stream has ended gets the result the frame carried, as it did when only the projection sent it;
 * the projection's own write of the same event follows and replaces it. One difference: this handler sees the events as they
 * were created, before the store stamped them with their commit time, so a frame's {@code timestamp} and the
 * result's {@code updated_at} are the creation time, a few milliseconds before what the read model and the event
 * history show. On by default ({@code sandpod.executions.result-fast-path}).
 */
@Component
@ProcessingGroup(ResultFastPath.PROCESSING_GROUP)
public class ResultFastPath {

    /** Configured as a subscribing processor in application.yml. */
    public static final String PROCESSING_GROUP = "execution-result-fast-path";

    private static final Logger log = LoggerFactory.getLogger(ResultFastPath.class);
    /** Runs followed at once (those going on in this JVM); the eldest is dropped, and the projection serves it. */
    private static final int CHAINS_MAX = 4096;

    private final MongoTemplate mongo;
    private final LiveUpdates live;
    private final AtomicBoolean enabled;
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong finalFramesSent = new AtomicLong();
    private final Map<String, Chain> chains = Collections.synchronizedMap(new LinkedHashMap<String, Chain>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Chain> eldest) {
            return size() > CHAINS_MAX;
        }
    });

    ResultFastPath(
            MongoTemplate mongo,
            LiveUpdates live,
            @Value("${sandpod.executions.result-fast-path:true}") boolean enabled) {
        this.mongo = mongo;
        this.live = live;
        this.enabled = new AtomicBoolean(enabled);
    }

    /** Switches the fast path on or off at run time (tests; an operator's escape hatch). Runs going on lose it. */
    public void setEnabled(boolean on) {
        enabled.set(on);
        chains.clear();
    }

    /** Lifecycle frames this path handed to the emitter since the start. */
    public long framesSent() {
        return framesSent.get();
    }

    /** Final ({@code result_stored}) frames this path handed to the emitter since the start. */
    public long finalFramesSent() {
        return finalFramesSent.get();
    }

    /** The next event of a run this path has followed from its first one, and the result changes seen so far. */
    private static final class Chain {
        long next;
        final List<Change> changes = new ArrayList<>();
    }

    private record Change(long sequence, Consumer<ExecutionDocument> change) {}

    @EventHandler
    void on(ExecutionRequestedEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        if (!enabled.get() || sequence != 0) {
            return;
        }
        chains.put(event.executionId(), new Chain());
        frame(event.executionId(), "execution_requested", ExecutionStatus.QUEUED, null, message, sequence);
    }

    @EventHandler
    void on(ExecutionQueuedEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(event.executionId(), "execution_queued", ExecutionStatus.QUEUED, null, message, sequence);
    }

    @EventHandler
    void on(ExecutionScheduledEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(event.executionId(), "execution_scheduled", ExecutionStatus.SCHEDULED, null, message, sequence);
    }

    @EventHandler
    void on(ExecutionStartedEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(event.executionId(), "execution_started", ExecutionStatus.SCHEDULED, null, message, sequence);
    }

    @EventHandler
    void on(ExecutionRunningEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(event.executionId(), "execution_running", ExecutionStatus.RUNNING, null, message, sequence);
    }

    @EventHandler
    void on(ExecutionCompletedEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(
                event.executionId(),
                "execution_completed",
                ExecutionStatus.COMPLETED,
                ExecutionProjection.outcome(event.outcome()),
                message,
                sequence);
    }

    @EventHandler
    void on(ExecutionFailedEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(
                event.executionId(),
                "execution_failed",
                ExecutionStatus.FAILED,
                ExecutionProjection.outcome(event.outcome()),
                message,
                sequence);
    }

    @EventHandler
    void on(ExecutionTimedOutEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(
                event.executionId(),
                "execution_timeout",
                ExecutionStatus.TIMEOUT,
                ExecutionProjection.outcome(event.outcome()),
                message,
                sequence);
    }

    @EventHandler
    void on(ExecutionCancelledEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(
                event.executionId(),
                "execution_cancelled",
                ExecutionStatus.CANCELLED,
                ExecutionProjection.outcome(event.outcome()),
                message,
                sequence);
    }

    @EventHandler
    void on(ExecutionStoppedEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(
                event.executionId(),
                "execution_stopped",
                ExecutionStatus.CANCELLED,
                ExecutionProjection.outcome(event.outcome()),
                message,
                sequence);
    }

    @EventHandler
    void on(ExecutionErroredEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        frame(
                event.executionId(),
                "execution_error",
                ExecutionStatus.ERROR,
                doc -> doc.errorMessage = event.message(),
                message,
                sequence);
    }

    /** No frame of its own; the chain moves past it. */
    @EventHandler
    void on(ExecutionPriorityChangedEvent event, @SequenceNumber long sequence) {
        Chain chain = follow(event.executionId(), sequence);
        if (chain != null) {
            chain.next = sequence + 1;
        }
    }

    @EventHandler
    void on(ExecutionDeletedEvent event) {
        chains.remove(event.executionId());
    }

    @EventHandler
    void on(ResultStoredEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        Chain chain = follow(event.executionId(), sequence);
        chains.remove(event.executionId());
        if (chain == null) {
            return;
        }
        try {
            ExecutionDocument doc = mongo.findById(event.executionId(), ExecutionDocument.class);
            if (doc == null) {
                return; // the read model has not got the execution yet: the projection will push the frame
            }
            for (Change change : chain.changes) {
                if (change.sequence() > doc.lastSequence) {
                    change.change().accept(doc);
                }
            }
            doc.status = event.status();
            // as the read model keeps it: Mongo stores instants to the millisecond
            doc.updatedAt = message.getTimestamp().truncatedTo(ChronoUnit.MILLIS);
            doc.lastSequence = sequence;
            // The read model has the result before the frame says so: a client that reads the result after its
            // stream ended gets it. Only over an older state; the projection's write of this event replaces it.
            mongo.getCollection(mongo.getCollectionName(ExecutionDocument.class))
                    .bulkWrite(List.of(ExecutionWrites.replaceOlder(mongo, doc, sequence - 1)));
            live.executionFrame(view(event.executionId(), "result_stored", event.status(), message, sequence, doc));
            framesSent.incrementAndGet();
            finalFramesSent.incrementAndGet();
        } catch (RuntimeException e) {
            // Never fails the command that stored the result: the projection delivers the frame anyway.
            log.warn("fast result frame for {} not sent: {}", event.executionId(), e.toString());
        }
    }

    private void frame(
            String executionId,
            String eventType,
            ExecutionStatus status,
            Consumer<ExecutionDocument> change,
            EventMessage<?> message,
            long sequence) {
        Chain chain = follow(executionId, sequence);
        if (chain == null) {
            return;
        }
        try {
            if (change != null) {
                chain.changes.add(new Change(sequence, change));
            }
            live.executionFrame(view(executionId, eventType, status, message, sequence, null));
            framesSent.incrementAndGet();
            chain.next = sequence + 1;
        } catch (RuntimeException e) {
            chains.remove(executionId);
            log.warn("fast {} frame for {} not sent: {}", eventType, executionId, e.toString());
        }
    }

    /**
     * The run's chain when this event is the next one it waits for; otherwise the run leaves this path (an event
     * was missed, or the path is off) and null.
     */
    private Chain follow(String executionId, long sequence) {
        Chain chain = chains.get(executionId);
        if (chain == null) {
            return null;
        }
        if (!enabled.get() || chain.next != sequence) {
            chains.remove(executionId);
            return null;
        }
        return chain;
    }

    private static ExecutionFrameView view(
            String executionId,
            String eventType,
            ExecutionStatus status,
            EventMessage<?> message,
            long sequence,
            ExecutionDocument result) {
        ExecutionFrameDocument frame = new ExecutionFrameDocument();
        frame.eventId = message.getIdentifier();
        frame.executionId = executionId;
        frame.sequence = sequence;
        frame.eventType = eventType;
        frame.timestamp = message.getTimestamp();
        frame.status = status;
        return ExecutionProjection.toView(frame, result);
    }
}
