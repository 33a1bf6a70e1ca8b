package dev.sandpod.query.execution;

import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.StreamExecutionQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The frames of one execution's stream, as the web edge sends them: a {@code status} frame first, then each
 * lifecycle frame as it is stored (and live {@code output} frames), ending with {@code result_stored}. A
 * finished execution gets {@code status} and {@code result_stored} at once.
 *
 * <p>The subscription is registered before the stored frames are read, so no frame falls between the two;
 * a frame seen in both is sent once. A client that resumes ({@code Last-Event-ID}) gets the stored frames
 * after the last one it saw. The subscription is released when the stream ends or its client goes away.
 *
 * <p>Output and the final frame come two ways (the live relay, the run's events), so the final frame can overtake
 * the run's last output: once a stream has seen the run running, it holds the final frame until the relay has
 * relayed the run's end ({@link LiveOutputRelay#OUTPUT_END}), at most {@code sandpod.sse.output-end-wait}.
 */
@Component
public class ExecutionStream {

    private static final int UPDATE_BUFFER = 4096;

    private final QueryGateway queries;
    private final LiveOutputRelay relay;
    private final Duration outputEndWait;

    ExecutionStream(
            QueryGateway queries,
            LiveOutputRelay relay,
            @Value("${sandpod.sse.output-end-wait:10s}") Duration outputEndWait) {
        this.queries = queries;
        this.relay = relay;
        this.outputEndWait = outputEndWait;
    }

    /** @param lastEventId the last frame the client saw, or {@code null} on a first connection */
    public Flux<ExecutionFrameView> frames(ExecutionResultView view, String lastEventId) {
        return frames(view.executionId(), view.status(), lastEventId, outputEndWait);
    }

    /**
     * The finished execution's result as its {@code result_stored} frame carries it, as soon as that frame is
     * stored; empty when the run has not finished within {@code max}. Subscribes to the frames (no polling).
     */
    public Mono<ExecutionResultView> result(String executionId, Duration max) {
        // only the result: no output frame to wait for
        return frames(executionId, ExecutionStatus.QUEUED, null, Duration.ZERO)
                .take(max)
                .filter(ExecutionFrameView::isFinal)
                .next()
                .mapNotNull(ExecutionFrameView::result);
    }

    private Flux<ExecutionFrameView> frames(
            String executionId, ExecutionStatus statusNow, String lastEventId, Duration outputEndWait) {
        return Flux.defer(() -> {
            SubscriptionQueryResult<List<ExecutionFrameView>, ExecutionFrameView> subscription =
                    queries.subscriptionQuery(
                            StreamExecutionQuery.class.getName(),
                            new StreamExecutionQuery(executionId),
                            ResponseTypes.multipleInstancesOf(ExecutionFrameView.class),
                            ResponseTypes.instanceOf(ExecutionFrameView.class),
                            UPDATE_BUFFER);
            // Read after the subscription is registered: an end relayed before it is known here, one after comes live.
            boolean outputEnded = relay.outputEnded(executionId);
            return subscription
                    .initialResult()
                    .flatMapMany(stored -> frames(
                            executionId,
                            statusNow,
                            stored,
                            subscription.updates(),
                            lastEventId,
                            outputEnded ? Duration.ZERO : outputEndWait))
                    .doFinally(signal -> subscription.cancel());
        });
    }

    /**
     * The stream from what was stored when it opened and what arrives after.
     *
     * @param statusNow the execution's status in its read model: the status frame's when nothing has been stored
     *     for it yet; when it is terminal and the final frame is not stored yet (the fast path updates the read
     *     model before the projection stores the run's last frames), a first connection gets only the status and
     *     the final frame, as for any ended run
     */
    static Flux<ExecutionFrameView> frames(
            String executionId,
            ExecutionStatus statusNow,
            List<ExecutionFrameView> stored,
            Flux<ExecutionFrameView> live,
            String lastEventId) {
        return frames(executionId, statusNow, stored, live, lastEventId, Duration.ZERO);
    }

    /**
     * @param outputEndWait how long the final frame of a run seen running waits for the end of its live output;
     *     zero when that end has already been relayed
     */
    static Flux<ExecutionFrameView> frames(
            String executionId,
            ExecutionStatus statusNow,
            List<ExecutionFrameView> stored,
            Flux<ExecutionFrameView> live,
            String lastEventId,
            Duration outputEndWait) {
        Set<String> seen = new HashSet<>();
        stored.forEach(frame -> seen.add(frame.eventId()));
        ExecutionFrameView last = stored.isEmpty() ? null : stored.get(stored.size() - 1);
        List<ExecutionFrameView> first = new ArrayList<>();
        ExecutionFrameView finalFrame =
                stored.stream().filter(ExecutionFrameView::isFinal).findFirst().orElse(null);
        if (finalFrame == null && lastEventId == null && statusNow.isTerminal()) {
            // The run has ended (the fast path wrote its result to the read model) but the projection has not
            // stored its last frames yet: the client still gets only the end, once its frame comes.
            first.add(statusFrame(executionId, statusNow));
            Flux<ExecutionFrameView> end =
                    live.filter(ExecutionFrameView::isFinal).take(1);
            // Output frames are not sent to a client that arrives after the end, so there is nothing to wait for.
            return Flux.concat(Flux.fromIterable(first), end);
        }
        first.add(statusFrame(executionId, last == null ? statusNow : last.status()));
        if (finalFrame != null && lastEventId == null) {
            first.add(finalFrame);
            return Flux.fromIterable(first);
        }
        if (lastEventId != null) {
            first.addAll(after(stored, lastEventId));
        }
        if (finalFrame != null) {
            return Flux.fromIterable(first);
        }
        long[] lastSequence = {-1};
        stored.forEach(frame -> lastSequence[0] = Math.max(lastSequence[0], sequenceOf(frame)));
        Flux<ExecutionFrameView> fresh = live.filter(
                frame -> frame.eventId() == null || (seen.add(frame.eventId()) && laterThan(lastSequence, frame)));
        boolean running = first.get(0).status() == ExecutionStatus.RUNNING;
        return Flux.concat(Flux.fromIterable(first), finalAfterOutput(fresh, running, outputEndWait))
                .takeUntil(ExecutionFrameView::isFinal);
    }

    /**
     * The frames with the final one held back, once the run was seen running (or its output was), until the end of
     * its live output has been relayed, for at most {@code wait}; the output end's own frame is never sent. A run
     * never seen running (a queued run cancelled) has no output to wait for, nor does one whose end came already.
     */
    private static Flux<ExecutionFrameView> finalAfterOutput(
            Flux<ExecutionFrameView> frames, boolean runningAtOpen, Duration wait) {
        if (wait.isZero()) {
            return frames.filter(frame -> !LiveOutputRelay.isOutputEnd(frame));
        }
        return Flux.defer(() -> {
            Sinks.Empty<Void> outputEnd = Sinks.empty();
            AtomicBoolean ran = new AtomicBoolean(runningAtOpen);
            return frames.doOnNext(frame -> {
                        if (LiveOutputRelay.isOutputEnd(frame)) {
                            outputEnd.tryEmitEmpty();
                        } else if ("output".equals(frame.eventType()) || frame.status() == ExecutionStatus.RUNNING) {
                            ran.set(true);
                        }
                    })
                    .filter(frame -> !LiveOutputRelay.isOutputEnd(frame))
                    .flatMap(frame -> frame.isFinal() && ran.get()
                            ? outputEnd.asMono().timeout(wait, Mono.empty()).thenReturn(frame)
                            : Mono.just(frame));
        });
    }

    /**
     * Lifecycle frames come two ways: from the {@code executions} projection (every one, in order, after it has
     * stored them) and from the fast path, which emits them as they are committed (in order too, but only from the
     * first event of the run on and only while it sees each one). A frame of an event before one already sent is
     * late news from the slower path: the stream has moved past it, so it is dropped, and the stream's frames stay
     * in the order of the execution's events.
     */
    private static boolean laterThan(long[] lastSequence, ExecutionFrameView frame) {
        long sequence = sequenceOf(frame);
        if (sequence < 0) {
            return true;
        }
        if (sequence <= lastSequence[0]) {
            return false;
        }
        lastSequence[0] = sequence;
        return true;
    }

    private static long sequenceOf(ExecutionFrameView frame) {
        return frame.sequence() == null ? -1 : frame.sequence();
    }

    /** The stored frames after {@code lastEventId}; all of them when it is not among them. */
    private static List<ExecutionFrameView> after(List<ExecutionFrameView> stored, String lastEventId) {
        for (int i = 0; i < stored.size(); i++) {
            if (lastEventId.equals(stored.get(i).eventId())) {
                return stored.subList(i + 1, stored.size());
            }
        }
        return stored;
    }

    private static ExecutionFrameView statusFrame(String executionId, ExecutionStatus status) {
        return new ExecutionFrameView("status", executionId, Instant.now(), null, status, null, null, null);
    }
}
