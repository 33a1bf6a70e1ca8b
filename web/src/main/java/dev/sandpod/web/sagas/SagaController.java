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
import java.time.Duration;
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
class SagaController {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final SagaStatuses sagas;
    private final CommandGateway commands;

    SagaController(SagaStatuses sagas, CommandGateway commands) {
        this.sagas = sagas;
        this.commands = commands;
    }

    record SagaListResponse(List<SagaView> sagas, long total, int skip, int limit, boolean hasMore) {}

    record SagaCancellationResponse(boolean success, String message, String sagaId) {}

    @GetMapping({"/api/v1/sagas", "/api/v1/sagas/"})
    Mono<SagaListResponse> list(
            @RequestParam(required = false) String state,
            @RequestParam(name = "execution_id", required = false) String executionId,
            @RequestParam(required = false, defaultValue = "100") String limit,
            @RequestParam(required = false, defaultValue = "0") String skip,
            Caller caller) {
        return page(state, QueryParameters.optional(executionId), limit, skip, caller);
    }

    @GetMapping({"/api/v1/sagas/execution/{executionId}", "/api/v1/sagas/execution/{executionId}/"})
    Mono<SagaListResponse> byExecution(
            @PathVariable String executionId,
            @RequestParam(required = false) String state,
            @RequestParam(required = false, defaultValue = "100") String limit,
            @RequestParam(required = false, defaultValue = "0") String skip,
            Caller caller) {
        return page(state, executionId, limit, skip, caller);
    }

    @GetMapping({"/api/v1/sagas/{sagaId}", "/api/v1/sagas/{sagaId}/"})
    Mono<SagaView> get(@PathVariable String sagaId, Caller caller) {
        return blocking(() -> visible(sagas.get(sagaId), caller));
    }

    @PostMapping({"/api/v1/sagas/{sagaId}/cancel", "/api/v1/sagas/{sagaId}/cancel/"})
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
