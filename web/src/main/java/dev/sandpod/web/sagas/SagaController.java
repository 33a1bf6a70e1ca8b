package dev.sandpod.web.sagas;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.CancelExecutionCommand;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.operations.SagaStatuses;
import dev.sandpod.query.operations.SagaStatuses.SagaView;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import dev.sandpod.web.support.ReadYourWrites;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The execution sagas: list (by state, by execution), one, by execution, and cancel. Users see the sagas of
 * their own executions, admins all. Cancel goes through the execution: {@link CancelExecutionCommand}
 * records the cancellation and the stored result, on which the saga releases the queue slot and ends (so
 * the next queued run starts), and the runner is told to stop; the answer comes once the saga has ended.
 */
@RestController
@Tag(name = "Sagas", description = "The execution sagas: their steps and state, and cancelling one")
class SagaController {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final SagaStatuses sagas;
    private final CommandGateway commands;

    SagaController(SagaStatuses sagas, CommandGateway commands) {
        this.sagas = sagas;
        this.commands = commands;
    }

    record SagaListResponse(List<SagaView> sagas, long total, int skip, int limit, boolean hasMore) {}

    /** One saga as {@link SagaView} is written, for the API document (never built). */
    @Schema(name = "SagaStatusResponse")
    record SagaStatusDoc(
            String sagaId,
            @Schema(description = "execution_saga") String sagaName,
            String executionId,

            @Schema(
                    allowableValues = {
                        "created",
                        "running",
                        "compensating",
                        "completed",
                        "failed",
                        "timeout",
                        "cancelled"
                    })
            String state,

            String currentStep,
            List<String> completedSteps,
            List<String> compensatedSteps,
            String errorMessage,
            Instant createdAt,
            Instant updatedAt,
            Instant completedAt,
            int retryCount) {}

    /** {@link SagaListResponse} for the API document (never built). */
    @Schema(name = "SagaListResponse")
    record SagaListDoc(List<SagaStatusDoc> sagas, long total, int skip, int limit, boolean hasMore) {}

    @Schema(name = "SagaCancellationResponse")
    record SagaCancellationResponse(boolean success, String message, String sagaId) {}

    @GetMapping({"/api/v1/sagas", "/api/v1/sagas/"})
    @Operation(summary = "The sagas of the caller's executions (all of them, for admins)")
    @ApiResponse(
            responseCode = "200",
            description = "A page of sagas",
            content = @Content(schema = @Schema(implementation = SagaListDoc.class)))
    Mono<SagaListResponse> list(
            @RequestParam(required = false)
                    @Parameter(
                            description = "Only sagas in this state",
                            schema =
                                    @Schema(
                                            allowableValues = {
                                                "created",
                                                "running",
                                                "compensating",
                                                "completed",
                                                "failed",
                                                "timeout",
                                                "cancelled"
                                            }))
                    String state,
            @RequestParam(name = "execution_id", required = false) String executionId,
            @RequestParam(required = false, defaultValue = "100")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "1000"))
                    String limit,
            @RequestParam(required = false, defaultValue = "0")
                    @Parameter(schema = @Schema(type = "integer", minimum = "0"))
                    String skip,
            Caller caller) {
        return page(state, QueryParameters.optional(executionId), limit, skip, caller);
    }

    @GetMapping({"/api/v1/sagas/execution/{executionId}", "/api/v1/sagas/execution/{executionId}/"})
    @Operation(summary = "The sagas of one execution")
    @ApiResponse(
            responseCode = "200",
            description = "A page of sagas",
            content = @Content(schema = @Schema(implementation = SagaListDoc.class)))
    @ApiResponse(responseCode = "403", description = "Not the caller's execution")
    Mono<SagaListResponse> byExecution(
            @PathVariable String executionId,
            @RequestParam(required = false)
                    @Parameter(
                            description = "Only sagas in this state",
                            schema =
                                    @Schema(
                                            allowableValues = {
                                                "created",
                                                "running",
                                                "compensating",
                                                "completed",
                                                "failed",
                                                "timeout",
                                                "cancelled"
                                            }))
                    String state,
            @RequestParam(required = false, defaultValue = "100")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "1000"))
                    String limit,
            @RequestParam(required = false, defaultValue = "0")
                    @Parameter(schema = @Schema(type = "integer", minimum = "0"))
                    String skip,
            Caller caller) {
        return page(state, executionId, limit, skip, caller);
    }

    @GetMapping({"/api/v1/sagas/{sagaId}", "/api/v1/sagas/{sagaId}/"})
    @Operation(summary = "One saga")
    @ApiResponse(
            responseCode = "200",
            description = "The saga",
            content = @Content(schema = @Schema(implementation = SagaStatusDoc.class)))
    @ApiResponse(responseCode = "403", description = "Not the saga of the caller's execution")
    @ApiResponse(responseCode = "404", description = "No such saga")
    Mono<SagaView> get(@PathVariable String sagaId, Caller caller) {
        return blocking(() -> visible(sagas.get(sagaId), caller));
    }

    @PostMapping({"/api/v1/sagas/{sagaId}/cancel", "/api/v1/sagas/{sagaId}/cancel/"})
    @Operation(
            summary = "Cancel a running saga",
            description = "Cancels its execution; answers once the saga has ended and released its queue slot")
    @ApiResponse(responseCode = "200", description = "Cancelled")
    @ApiResponse(responseCode = "400", description = "The saga is not running")
    @ApiResponse(responseCode = "403", description = "Not the saga of the caller's execution")
    @ApiResponse(responseCode = "404", description = "No such saga")
    Mono<SagaCancellationResponse> cancel(@PathVariable String sagaId, Caller caller, ServerHttpRequest http) {
        return blocking(() -> visible(sagas.get(sagaId), caller))
                .flatMap(saga -> {
                    if (!"running".equals(saga.state())) {
                        return Mono.error(new SandpodException(
                                ErrorCode.BAD_REQUEST, "Saga is not running (" + saga.state() + ")"));
                    }
                    var command = new CancelExecutionCommand(
                            saga.executionId(), caller.userId(), "saga cancelled by " + caller.username());
                    return Mono.fromFuture(() -> commands.<ExecutionStatus>send(Origin.command(command, caller, http)))
                            .then(ReadYourWrites.await(
                                    () -> blocking(() -> sagas.get(sagaId)),
                                    view -> view != null && !"running".equals(view.state())))
                            .thenReturn(new SagaCancellationResponse(
                                    true, "Saga cancelled; execution " + saga.executionId() + " cancelled", sagaId));
                })
                .timeout(TIMEOUT);
    }

    private Mono<SagaListResponse> page(String state, String executionId, String limit, String skip, Caller caller) {
        int parsedLimit = QueryParameters.integer("limit", limit, 1, 1000);
        int parsedSkip = QueryParameters.integer("skip", skip, 0, Integer.MAX_VALUE);
        String parsedState = QueryParameters.optional(state);
        if (parsedState != null && !SagaStatuses.STATES.contains(parsedState)) {
            throw QueryParameters.invalid(
                    "state",
                    "Input should be one of "
                            + String.join(
                                    ", ", SagaStatuses.STATES.stream().sorted().toList()));
        }
        return blocking(() -> {
            Set<String> own = caller.isAdmin() ? null : sagas.executionsOf(caller.userId());
            var page = sagas.list(parsedState, executionId, own, parsedSkip, parsedLimit);
            return new SagaListResponse(
                    page.sagas(),
                    page.total(),
                    parsedSkip,
                    parsedLimit,
                    parsedSkip + page.sagas().size() < page.total());
        });
    }

    private SagaView visible(SagaView saga, Caller caller) {
        if (!caller.isAdmin() && !sagas.executionsOf(caller.userId()).contains(saga.executionId())) {
            throw new SandpodException(ErrorCode.FORBIDDEN, "Access denied");
        }
        return saga;
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
