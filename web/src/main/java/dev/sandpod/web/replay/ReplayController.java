package dev.sandpod.web.replay;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.replay.ReplaySessionDocument;
import dev.sandpod.query.replay.ReplaySessions;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.audit.EventDocs;
import dev.sandpod.web.support.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Replay sessions (admins only; auditors read history through {@code /audit} and the event browser):
 * re-send a filtered slice of the stored events, oldest first, as copies marked replayed, to a Kafka topic,
 * a downloadable file, or nowhere (counted only), with a speed, pause / resume / cancel and progress by
 * polling or over SSE. See {@link ReplaySessions} for why a replay has no side effects.
 *
 * <p>A session's configuration is validated (each field refused with its own 422) by {@link ReplayConfigs}.
 */
@RestController
@Tag(name = "Event Replay", description = "Replay sessions (admins)")
class ReplayController {

    static final Duration FRAME_EVERY = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int PREVIEW = 100;

    private final ReplaySessions sessions;

    ReplayController(ReplaySessions sessions) {
        this.sessions = sessions;
    }

    // ---- /replay/sessions

    @PostMapping({"/api/v1/replay/sessions", "/api/v1/replay/sessions/"})
    @Operation(
            summary = "Create Replay Session",
            description = "Stores a session (status created) with the number of events it would send now;"
                    + " start it to send them")
    @ApiResponse(responseCode = "200", description = "Created")
    @ApiResponse(responseCode = "422", description = "An invalid configuration, or more than 1 000 000 events")
    Mono<ReplayDocs.ReplayResponse> create(@RequestBody ReplayDocs.ReplayRequest request, Caller caller) {
        requireAdmin(caller);
        ReplaySessionDocument config = ReplayConfigs.config(request);
        return blocking(() -> sessions.create(config, caller.userId()))
                .map(s -> new ReplayDocs.ReplayResponse(
                        s.sessionId,
                        s.status,
                        "Replay session created with " + s.totalEvents + " events"
                                + ("test".equals(s.target) ? " (target test: counted, sent nowhere)" : "")));
    }

    @GetMapping({"/api/v1/replay/sessions", "/api/v1/replay/sessions/"})
    @Operation(summary = "List Replay Sessions", description = "Newest first, optionally with one status")
    Mono<List<ReplayDocs.SessionSummary>> list(
            Caller caller,
            @RequestParam(required = false)
                    @Parameter(
                            description = "Filter by replay session status",
                            schema = @Schema(implementation = ReplayStatus.class))
                    String status,
            @RequestParam(required = false, defaultValue = "100")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "1000"))
                    String limit) {
        requireAdmin(caller);
        String wanted = QueryParameters.optional(status);
        if (wanted != null && !ReplayConfigs.statuses().contains(wanted)) {
            throw QueryParameters.invalid("status", "Input should be one of " + ReplayConfigs.statuses());
        }
        int max = QueryParameters.integer("limit", limit, 1, 1000);
        return blocking(() ->
                sessions.list(wanted, max).stream().map(ReplayDocs::summary).toList());
    }

    @GetMapping({"/api/v1/replay/sessions/{sessionId}", "/api/v1/replay/sessions/{sessionId}/"})
    @Operation(summary = "Get Replay Session", description = "The configuration, status, counters and errors")
    @ApiResponse(responseCode = "200", description = "The session")
    @ApiResponse(responseCode = "404", description = "No such session")
    Mono<ReplayDocs.ReplaySession> get(@PathVariable String sessionId, Caller caller) {
        requireAdmin(caller);
        return blocking(() -> {
            ReplaySessionDocument s = sessions.get(sessionId);
            return ReplayDocs.session(
                    s, sessions.file(s).isPresent() ? "/api/v1/replay/sessions/" + s.sessionId + "/file" : null);
        });
    }

    @Addition
    @GetMapping("/api/v1/replay/sessions/{sessionId}/file")
    @Operation(summary = "The JSON-lines file a file session wrote (so far)")
    @ApiResponse(
            responseCode = "200",
            description = "One replayed copy per line",
            content = @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "No such session, or it has no file")
    Mono<ResponseEntity<Resource>> file(@PathVariable String sessionId, Caller caller) {
        requireAdmin(caller);
        return blocking(() -> {
            ReplaySessionDocument s = sessions.get(sessionId);
            Path path = sessions.file(s)
                    .orElseThrow(() -> new SandpodException(ErrorCode.NOT_FOUND, "This session has no file"));
            return ResponseEntity.ok()
                    .contentType(MediaType.parseMediaType("application/x-ndjson"))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + path.getFileName() + "\"")
                    .body((Resource) new FileSystemResource(path));
        });
    }

    @PostMapping({"/api/v1/replay/sessions/{sessionId}/start", "/api/v1/replay/sessions/{sessionId}/start/"})
    @Operation(summary = "Start Replay Session", description = "Starts a created session")
    @ApiResponse(responseCode = "200", description = "Running")
    @ApiResponse(responseCode = "404", description = "No such session")
    @ApiResponse(responseCode = "409", description = "Not in the created state")
    Mono<ReplayDocs.ReplayResponse> start(@PathVariable String sessionId, Caller caller) {
        requireAdmin(caller);
        return control(() -> sessions.start(sessionId), "Replay session started");
    }

    @PostMapping({"/api/v1/replay/sessions/{sessionId}/pause", "/api/v1/replay/sessions/{sessionId}/pause/"})
    @Operation(summary = "Pause Replay Session", description = "Pauses a running session after the event in flight")
    @ApiResponse(responseCode = "200", description = "Paused")
    @ApiResponse(responseCode = "404", description = "No such session")
    @ApiResponse(responseCode = "409", description = "Not running")
    Mono<ReplayDocs.ReplayResponse> pause(@PathVariable String sessionId, Caller caller) {
        requireAdmin(caller);
        return control(() -> sessions.pause(sessionId), "Replay session paused");
    }

    @PostMapping({"/api/v1/replay/sessions/{sessionId}/resume", "/api/v1/replay/sessions/{sessionId}/resume/"})
    @Operation(summary = "Resume Replay Session", description = "Continues a paused session after its last event")
    @ApiResponse(responseCode = "200", description = "Running again")
    @ApiResponse(responseCode = "404", description = "No such session")
    @ApiResponse(responseCode = "409", description = "Not paused")
    Mono<ReplayDocs.ReplayResponse> resume(@PathVariable String sessionId, Caller caller) {
        requireAdmin(caller);
        return control(() -> sessions.resume(sessionId), "Replay session resumed");
    }

    @PostMapping({"/api/v1/replay/sessions/{sessionId}/cancel", "/api/v1/replay/sessions/{sessionId}/cancel/"})
    @Operation(summary = "Cancel Replay Session", description = "Stops a created, running or paused session for good")
    @ApiResponse(responseCode = "200", description = "Cancelled")
    @ApiResponse(responseCode = "404", description = "No such session")
    @ApiResponse(responseCode = "409", description = "Already finished")
    Mono<ReplayDocs.ReplayResponse> cancel(@PathVariable String sessionId, Caller caller) {
        requireAdmin(caller);
        return control(() -> sessions.cancel(sessionId), "Replay session cancelled");
    }

    @PostMapping({"/api/v1/replay/cleanup", "/api/v1/replay/cleanup/"})
    @Operation(
            summary = "Cleanup Old Sessions",
            description = "Removes finished (and never started) sessions created more than the given hours ago")
    Mono<ReplayDocs.CleanupResponse> cleanup(
            Caller caller,
            @RequestParam(name = "older_than_hours", required = false, defaultValue = "24")
                    @Parameter(
                            description = "Delete sessions older than this many hours",
                            schema = @Schema(type = "integer", minimum = "1", maximum = "87600"))
                    String olderThanHours) {
        requireAdmin(caller);
        int hours = QueryParameters.integer("older_than_hours", olderThanHours, 1, 87_600);
        return blocking(() -> sessions.cleanup(Duration.ofHours(hours)))
                .map(n -> new ReplayDocs.CleanupResponse(
                        n, "Removed " + n + " replay sessions older than " + hours + " hours"));
    }

    // ---- /admin/events/replay

    @PostMapping({"/api/v1/admin/events/replay", "/api/v1/admin/events/replay/"})
    @Operation(
            summary = "Replay Events",
            description = "Counts (dry run, the default) or replays to Kafka the events matching the filter")
    @ApiResponse(responseCode = "200", description = "The count and a preview, or the started session")
    @ApiResponse(responseCode = "404", description = "No events match the replay filter")
    @ApiResponse(responseCode = "422", description = "Empty filter or too many events to replay")
    Mono<ReplayDocs.EventReplayResponse> replayEvents(
            @RequestBody ReplayDocs.EventReplayRequest request, Caller caller) {
        requireAdmin(caller);
        ReplaySessionDocument config = new ReplaySessionDocument();
        config.replayType = "query";
        config.target = "kafka";
        config.eventIds = ReplayConfigs.nonEmpty(request.eventIds());
        config.aggregateId = QueryParameters.optional(request.aggregateId());
        config.startTime = ReplayConfigs.time("body", "start_time", request.startTime());
        config.endTime = ReplayConfigs.time("body", "end_time", request.endTime());
        if (config.eventIds == null
                && config.aggregateId == null
                && config.startTime == null
                && config.endTime == null) {
            throw new SandpodException(
                    ErrorCode.VALIDATION, "Give at least one of event_ids, aggregate_id, start_time, end_time");
        }
        String topic = QueryParameters.optional(request.targetService());
        if (topic != null) {
            String problem = ReplaySessions.topicProblem(topic);
            if (problem != null) {
                throw RequestValidationException.of("body", "target_service", problem);
            }
            config.targetTopics = List.of(new ReplaySessionDocument.TopicRoute("*", topic));
        }
        boolean dryRun = request.dryRun() == null || request.dryRun();
        return blocking(() -> {
            long total = sessions.count(config);
            if (total == 0) {
                throw new SandpodException(ErrorCode.NOT_FOUND, "No events match the replay filter");
            }
            if (total > ReplaySessions.MAX_EVENTS) {
                throw new SandpodException(
                        ErrorCode.VALIDATION,
                        "Too many events to replay (" + total + " > " + ReplaySessions.MAX_EVENTS
                                + "); narrow the filter");
            }
            if (dryRun) {
                List<EventDocs.Summary> preview = sessions.preview(config, PREVIEW).stream()
                        .map(e -> new EventDocs.Summary(e.eventId(), e.eventType(), e.timestamp(), e.aggregateId()))
                        .toList();
                return new ReplayDocs.EventReplayResponse(
                        true, total, UUID.randomUUID().toString(), null, "preview", preview);
            }
            ReplaySessionDocument created = sessions.create(config, caller.userId());
            ReplaySessionDocument started = sessions.start(created.sessionId);
            return new ReplayDocs.EventReplayResponse(
                    false, started.totalEvents, started.sessionId, started.sessionId, started.status, null);
        });
    }

    @GetMapping(
            path = {"/api/v1/admin/events/replay/{sessionId}/status", "/api/v1/admin/events/replay/{sessionId}/status/"
            },
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "Stream Replay Status",
            description = "A status frame (event: status) every 500 ms until the session is completed, failed or"
                    + " cancelled; that last frame ends the stream")
    @ApiResponse(
            responseCode = "200",
            description = "Status frames",
            content =
                    @Content(
                            mediaType = "text/event-stream",
                            schema = @Schema(implementation = ReplayDocs.EventReplayStatusResponse.class)))
    @ApiResponse(responseCode = "404", description = "Replay session not found")
    Mono<ResponseEntity<Flux<ServerSentEvent<ReplayDocs.EventReplayStatusResponse>>>> status(
            @PathVariable String sessionId, Caller caller) {
        requireAdmin(caller);
        return blocking(() -> sessions.get(sessionId)).map(first -> {
            Flux<ServerSentEvent<ReplayDocs.EventReplayStatusResponse>> frames = Flux.interval(
                            Duration.ZERO, FRAME_EVERY)
                    .onBackpressureDrop()
                    .concatMap(tick -> blocking(() -> sessions.get(sessionId)), 1)
                    .map(s -> ReplayDocs.status(s, Instant.now()))
                    .takeUntil(s -> ReplaySessions.FINISHED.contains(s.status()))
                    .map(s -> ServerSentEvent.builder(s)
                            .id(Long.toString(s.replayedEvents() + s.failedEvents() + s.skippedEvents()))
                            .event("status")
                            .build());
            return ResponseEntity.ok()
                    .header("Cache-Control", "no-cache")
                    .header("X-Accel-Buffering", "no")
                    .body(frames);
        });
    }

    // ---- helpers

    private Mono<ReplayDocs.ReplayResponse> control(Callable<ReplaySessionDocument> action, String message) {
        return blocking(action).map(s -> new ReplayDocs.ReplayResponse(s.sessionId, s.status, message));
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic()).timeout(TIMEOUT);
    }

    static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required");
        }
    }
}
