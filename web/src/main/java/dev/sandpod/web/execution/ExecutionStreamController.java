package dev.sandpod.web.execution;

import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.StreamExecutionQuery;
import dev.sandpod.api.web.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /events/executions/{id}} (SPEC §3.5): a {@code status} frame first, then each lifecycle frame
 * as it is stored (and live {@code output} frames), ending with {@code result_stored} and closing. A
 * terminal execution gets {@code status} and {@code result_stored} at once. Ownership is checked before
 * the stream starts, so 403/404 are plain JSON answers.
 *
 * <p>The subscription is registered before the stored frames are read, so no frame falls between the two;
 * frames seen in both are sent once.
 */
@RestController
class ExecutionStreamController {

    private static final int UPDATE_BUFFER = 4096;

    private final QueryGateway queries;
    private final ExecutionAccess access;
    private final Duration heartbeat;

    ExecutionStreamController(QueryGateway queries, ExecutionAccess access,
            @Value("${sandpod.sse.heartbeat:15s}") Duration heartbeat) {
        this.queries = queries;
        this.access = access;
        this.heartbeat = heartbeat;
    }

    @GetMapping(path = "/api/v1/events/executions/{executionId}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<ResponseEntity<Flux<ServerSentEvent<Map<String, Object>>>>> stream(@PathVariable String executionId,
            Caller caller, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        return access.load(executionId, caller).map(view -> ResponseEntity.ok()
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .body(withHeartbeats(frames(view, lastEventId))));
    }

    private Flux<ServerSentEvent<Map<String, Object>>> frames(ExecutionResultView view, String lastEventId) {
        return Flux.defer(() -> {
            SubscriptionQueryResult<List<ExecutionFrameView>, ExecutionFrameView> subscription =
                    queries.subscriptionQuery(StreamExecutionQuery.class.getName(), new StreamExecutionQuery(view.executionId()),
                            ResponseTypes.multipleInstancesOf(ExecutionFrameView.class),
                            ResponseTypes.instanceOf(ExecutionFrameView.class), UPDATE_BUFFER);
            return subscription.initialResult()
                    .flatMapMany(stored -> {
                        Set<String> seen = new HashSet<>();
                        stored.forEach(frame -> seen.add(frame.eventId()));
                        ExecutionFrameView last = stored.isEmpty() ? null : stored.get(stored.size() - 1);
                        ExecutionStatus current = last == null ? view.status() : last.status();
                        List<ExecutionFrameView> first = new ArrayList<>();
                        first.add(statusFrame(view.executionId(), current));
                        ExecutionFrameView finalFrame = stored.stream().filter(ExecutionFrameView::isFinal)
                                .findFirst().orElse(null);
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
                        Flux<ExecutionFrameView> live = subscription.updates()
                                .filter(frame -> frame.eventId() == null || seen.add(frame.eventId()));
                        return Flux.concat(Flux.fromIterable(first), live)
                                .takeUntil(ExecutionFrameView::isFinal);
                    })
                    .doFinally(signal -> subscription.cancel());
        }).map(ExecutionStreamController::toEvent);
    }

    private Flux<ServerSentEvent<Map<String, Object>>> withHeartbeats(Flux<ServerSentEvent<Map<String, Object>>> frames) {
        Flux<ServerSentEvent<Map<String, Object>>> beats = Flux.interval(heartbeat)
                .map(tick -> ServerSentEvent.<Map<String, Object>>builder().comment("heartbeat").build());
        return frames.publish(shared -> Flux.merge(shared, beats.takeUntilOther(shared.then())));
    }

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

    static ServerSentEvent<Map<String, Object>> toEvent(ExecutionFrameView frame) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event_type", frame.eventType());
        data.put("execution_id", frame.executionId());
        data.put("timestamp", frame.timestamp() == null ? null : frame.timestamp().toString());
        data.put("event_id", frame.eventId());
        // the contract carries status on the status control frame only
        data.put("status", "status".equals(frame.eventType()) && frame.status() != null
                ? frame.status().wireName()
                : null);
        data.put("result", frame.result() == null ? null : ExecutionResultResponse.of(frame.result()));
        if ("output".equals(frame.eventType())) {
            data.put("stream", frame.stream());
            data.put("data", frame.data());
        }
        var builder = ServerSentEvent.<Map<String, Object>>builder().data(data);
        if (frame.eventId() != null) {
            builder.id(frame.eventId());
        }
        return builder.build();
    }
}
