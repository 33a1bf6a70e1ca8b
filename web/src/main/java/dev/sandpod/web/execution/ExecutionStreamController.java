package dev.sandpod.web.execution;

import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.query.execution.ExecutionStream;
import dev.sandpod.web.support.OpenStreams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * {@code GET /events/executions/{id}}: the execution's frames ({@link ExecutionStream}) as server-sent
 * events, with heartbeat comments while it runs. Ownership is checked before the stream starts, so 403/404
 * are plain JSON answers. A resource of its own, apart from {@link ExecutionController}: another media
 * type, a long-lived subscription, and its own settings.
 */
@RestController
@Tag(name = "Executions")
class ExecutionStreamController {

    private final ExecutionStream stream;
    private final ExecutionAccess access;
    private final Duration heartbeat;
    private final OpenStreams openStreams;

    ExecutionStreamController(
            ExecutionStream stream,
            ExecutionAccess access,
            @Value("${sandpod.sse.heartbeat:15s}") Duration heartbeat,
            OpenStreams openStreams) {
        this.stream = stream;
        this.access = access;
        this.heartbeat = heartbeat;
        this.openStreams = openStreams;
    }

    @GetMapping(path = "/api/v1/events/executions/{executionId}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "Follow an execution live (server-sent events)",
            description = "Each SSE `data:` line is one frame (JSON, below); lifecycle frames carry the event's id "
                    + "as the SSE `id:`, and `:heartbeat` comments are sent while the run goes on. The stream ends "
                    + "after the `result_stored` frame.")
    @ApiResponse(
            responseCode = "200",
            description = "The stream of frames",
            content =
                    @Content(
                            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema = @Schema(implementation = ExecutionStreamFrame.class)))
    @ApiResponse(responseCode = "403", description = "Another user's execution")
    @ApiResponse(responseCode = "404", description = "No such execution")
    Mono<ResponseEntity<Flux<ServerSentEvent<Map<String, Object>>>>> stream(
            @PathVariable String executionId,
            Caller caller,
            @RequestHeader(name = "Last-Event-ID", required = false)
                    @Parameter(description = "Resume after this frame (the last SSE id seen)")
                    String lastEventId) {
        return access.load(executionId, caller)
                .map(view -> ResponseEntity.ok()
                        .header("Cache-Control", "no-cache")
                        .header("X-Accel-Buffering", "no")
                        .body(openStreams.counted(
                                "execution",
                                withHeartbeats(
                                        stream.frames(view, lastEventId).map(ExecutionStreamController::toEvent)))));
    }

    private Flux<ServerSentEvent<Map<String, Object>>> withHeartbeats(
            Flux<ServerSentEvent<Map<String, Object>>> frames) {
        Flux<ServerSentEvent<Map<String, Object>>> beats = Flux.interval(heartbeat)
                .map(tick -> ServerSentEvent.<Map<String, Object>>builder()
                        .comment("heartbeat")
                        .build());
        return frames.publish(shared -> Flux.merge(shared, beats.takeUntilOther(shared.then())));
    }

    static ServerSentEvent<Map<String, Object>> toEvent(ExecutionFrameView frame) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event_type", frame.eventType());
        data.put("execution_id", frame.executionId());
        data.put(
                "timestamp",
                frame.timestamp() == null ? null : frame.timestamp().toString());
        data.put("event_id", frame.eventId());
        // every lifecycle frame carries the execution's status once its event happened; output frames have none
        data.put("status", frame.status() == null ? null : frame.status().wireName());
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
