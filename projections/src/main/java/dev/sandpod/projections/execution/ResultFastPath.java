package dev.sandpod.projections.execution;

import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionFailedEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionTimedOutEvent;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.projections.live.LiveUpdates;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * The best-effort fast path of a run's final frame (issue 21): a subscribing handler, so it runs in the unit of
 * work that stores the run's outcome and {@code result_stored} (the report listener's command), and the frame
 * reaches the open streams as soon as that commit is done (the emitter sends updates after the commit, never for
 * a rolled-back one), instead of after the {@code executions} processor has read the events back from the store,
 * handled them and stored its token: tens of milliseconds per run here.
 *
 * <p>The guaranteed path stays as it was: {@link ExecutionProjection} stores the frame and pushes it too, and the
 * stream sends a frame id once ({@code query.execution.ExecutionStream}), so a client sees whichever comes first.
 * Whatever this path misses — it is off, it failed, the read model did not have the execution yet, the run ended
 * another way (cancelled, errored: not handled here), the commit happened on another instance — the projection
 * still delivers. It writes nothing.
 *
 * <p>The result is built as the projection builds it: the execution's document as the read model has it, with the
 * outcome, status and time of this commit's events applied — with one difference: this handler sees the events as
 * they were created, before the store stamped them with their commit time, so the frame's {@code timestamp} and the
 * result's {@code updated_at} are the creation time, a few milliseconds before what the read model and the event
 * history show.
 *
 * <p>Off by default ({@code sandpod.executions.result-fast-path=false}): a stream ends at its {@code result_stored}
 * frame, so a final frame that overtakes the projection's earlier frames of the same run (its terminal
 * {@code execution_completed}, or {@code execution_running} of a short run) ends the stream without them. CI saw
 * exactly that once under load. Until this path also emits the earlier lifecycle frames in order, the guaranteed
 * path alone serves streams; see "Fast path" in docs/architecture.md.
 */
@Component
@ProcessingGroup(ResultFastPath.PROCESSING_GROUP)
public class ResultFastPath {

    /** Configured as a subscribing processor in application.yml. */
    public static final String PROCESSING_GROUP = "execution-result-fast-path";

    private static final Logger log = LoggerFactory.getLogger(ResultFastPath.class);
    /** Outcomes waiting for their result_stored; both come in one commit, so this stays tiny. */
    private static final int PENDING_MAX = 1024;

    private final MongoTemplate mongo;
    private final LiveUpdates live;
    private final AtomicBoolean enabled;
    private final AtomicLong framesSent = new AtomicLong();
    private final Map<String, ExecutionOutcome> pending =
            Collections.synchronizedMap(new LinkedHashMap<String, ExecutionOutcome>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ExecutionOutcome> eldest) {
                    return size() > PENDING_MAX;
                }
            });

    ResultFastPath(
            MongoTemplate mongo,
            LiveUpdates live,
            @Value("${sandpod.executions.result-fast-path:false}") boolean enabled) {
        this.mongo = mongo;
        this.live = live;
        this.enabled = new AtomicBoolean(enabled);
    }

    /** Switches the fast path on or off at run time (tests; an operator's escape hatch). */
    public void setEnabled(boolean on) {
        enabled.set(on);
        pending.clear();
    }

    /** Final frames this path handed to the emitter since the start. */
    public long framesSent() {
        return framesSent.get();
    }

    @EventHandler
    void on(ExecutionCompletedEvent event) {
        remember(event.executionId(), event.outcome());
    }

    @EventHandler
    void on(ExecutionFailedEvent event) {
        remember(event.executionId(), event.outcome());
    }

    @EventHandler
    void on(ExecutionTimedOutEvent event) {
        remember(event.executionId(), event.outcome());
    }

    @EventHandler
    void on(ResultStoredEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        ExecutionOutcome outcome = pending.remove(event.executionId());
        if (outcome == null || !enabled.get()) {
            return;
        }
        try {
            ExecutionDocument doc = mongo.findById(event.executionId(), ExecutionDocument.class);
            if (doc == null) {
                return; // the read model has not got the execution yet: the projection will push the frame
            }
            doc.status = event.status();
            ExecutionProjection.outcome(outcome).accept(doc);
            // as the read model keeps it: Mongo stores instants to the millisecond
            doc.updatedAt = message.getTimestamp().truncatedTo(ChronoUnit.MILLIS);
            ExecutionFrameDocument frame = new ExecutionFrameDocument();
            frame.eventId = message.getIdentifier();
            frame.executionId = event.executionId();
            frame.sequence = sequence;
            frame.eventType = "result_stored";
            frame.timestamp = message.getTimestamp();
            frame.status = event.status();
            live.executionFrame(ExecutionProjection.toView(frame, doc));
            framesSent.incrementAndGet();
        } catch (RuntimeException e) {
            // Never fails the command that stored the result: the projection delivers the frame anyway.
            log.warn("fast result frame for {} not sent: {}", event.executionId(), e.toString());
        }
    }

    private void remember(String executionId, ExecutionOutcome outcome) {
        if (enabled.get() && outcome != null) {
            pending.put(executionId, outcome);
        }
    }
}
