package dev.sandpod.web.operations;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.operations.ProcessorOperations;
import dev.sandpod.query.operations.ProcessorView;
import dev.sandpod.web.apidocs.Addition;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Event processors for admins: status with lag (once, or refreshed every second over SSE), pause and resume
 * on every instance, and the rebuild of a projection from the first event.
 *
 * <p>During a rebuild the API serves the read model as it is being rebuilt (it starts empty and fills up in
 * event order), and every answer carries {@code X-Projection-Replaying} naming the projections still
 * rebuilding ({@link ReplayingHeaderFilter}); the old data is not kept aside.
 */
@RestController
@Tag(name = "Admin: operations", description = "Projections and their replays, and dead letters (additions)")
class ProjectionController {

    static final Duration REFRESH = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final ProcessorOperations operations;

    ProjectionController(ProcessorOperations operations) {
        this.operations = operations;
    }

    record ProjectionListResponse(List<ProcessorView> processors, List<String> replaying, int total) {}

    @Addition
    @GetMapping({"/api/v1/admin/projections", "/api/v1/admin/projections/"})
    Mono<ProjectionListResponse> list(Caller caller) {
        requireAdmin(caller);
        return blocking(this::snapshot);
    }

    @Addition
    @GetMapping(path = "/api/v1/admin/projections/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<ResponseEntity<Flux<ServerSentEvent<ProjectionListResponse>>>> stream(Caller caller) {
        requireAdmin(caller);
        Flux<ServerSentEvent<ProjectionListResponse>> frames = Flux.interval(Duration.ZERO, REFRESH)
                .onBackpressureDrop()
                .concatMap(tick -> blocking(this::snapshot), 1)
                .map(list -> ServerSentEvent.builder(list).event("projections").build());
        return Mono.just(sse(frames));
    }

    @Addition
    @GetMapping({"/api/v1/admin/projections/{name}", "/api/v1/admin/projections/{name}/"})
    Mono<ProcessorView> one(@PathVariable String name, Caller caller) {
        requireAdmin(caller);
        return blocking(() -> operations.one(name));
    }

    /** One processor's status every second: a rebuild's progress %, events/s and ETA are in {@code replay}. */
    @Addition
    @GetMapping(path = "/api/v1/admin/projections/{name}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<ResponseEntity<Flux<ServerSentEvent<ProcessorView>>>> streamOne(@PathVariable String name, Caller caller) {
        requireAdmin(caller);
        return blocking(() -> operations.one(name)).map(first -> {
            Flux<ServerSentEvent<ProcessorView>> frames = Flux.interval(Duration.ZERO, REFRESH)
                    .onBackpressureDrop()
                    .concatMap(tick -> blocking(() -> operations.one(name)), 1)
                    .map(view -> ServerSentEvent.builder(view)
                            .event(
                                    view.replay() != null
                                                    && "replaying"
                                                            .equals(view.replay()
                                                                    .status())
                                            ? "progress"
                                            : "status")
                            .build());
            return sse(frames);
        });
    }

    @Addition
    @PostMapping({"/api/v1/admin/projections/{name}/replay", "/api/v1/admin/projections/{name}/replay/"})
    Mono<ResponseEntity<ProcessorView>> replay(@PathVariable String name, Caller caller) {
        requireAdmin(caller);
        return blocking(() -> operations.replay(name))
                .map(view -> ResponseEntity.accepted()
                        .header("X-Projection-Replaying", String.join(",", operations.replaying()))
                        .body(view));
    }

    @Addition
    @PostMapping({"/api/v1/admin/projections/{name}/pause", "/api/v1/admin/projections/{name}/pause/"})
    Mono<ProcessorView> pause(@PathVariable String name, Caller caller) {
        requireAdmin(caller);
        return blocking(() -> operations.pause(name));
    }

    @Addition
    @PostMapping({"/api/v1/admin/projections/{name}/resume", "/api/v1/admin/projections/{name}/resume/"})
    Mono<ProcessorView> resume(@PathVariable String name, Caller caller) {
        requireAdmin(caller);
        return blocking(() -> operations.resume(name));
    }

    private ProjectionListResponse snapshot() {
        List<ProcessorView> all = operations.all();
        return new ProjectionListResponse(all, operations.replaying(), all.size());
    }

    private static <T> ResponseEntity<Flux<ServerSentEvent<T>>> sse(Flux<ServerSentEvent<T>> frames) {
        return ResponseEntity.ok()
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .body(frames);
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
