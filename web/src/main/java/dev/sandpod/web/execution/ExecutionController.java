package dev.sandpod.web.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.CancelExecutionCommand;
import dev.sandpod.api.execution.DeleteExecutionCommand;
import dev.sandpod.api.execution.ExecutionCancellationView;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindExecutionCancellationQuery;
import dev.sandpod.api.execution.FindExecutionResultQuery;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.api.web.Caller;
import dev.sandpod.command.execution.ExecutionAdmission;
import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.query.history.EventHistory;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The execution resource: submit, retry, cancel and delete (commands), and its result, the caller's list
 * and its stored event history (queries). The live stream is its own resource,
 * {@link ExecutionStreamController}; the admin's queue view is {@link AdminExecutionController}.
 */
@RestController
@RequestMapping("/api/v1")
class ExecutionController {

    static final int MAX_SCRIPT_LENGTH = 50_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final ExecutionAdmission admission;
    private final ExecutionAccess access;
    private final EventHistory history;

    ExecutionController(
            CommandGateway commands,
            QueryGateway queries,
            ExecutionAdmission admission,
            ExecutionAccess access,
            EventHistory history) {
        this.commands = commands;
        this.queries = queries;
        this.admission = admission;
        this.access = access;
        this.history = history;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ExecuteRequest(
            @NotNull @Size(max = MAX_SCRIPT_LENGTH, message = "Script must be at most 50000 characters")
            String script,

            String lang,
            String langVersion) {

        String langOrDefault() {
            return lang == null ? "python" : lang;
        }

        String versionOrDefault() {
            return langVersion == null ? "3.11" : langVersion;
        }
    }

    record ExecutionResponse(String executionId, String status) {}

    record CancelRequest(@Size(max = 500) String reason) {}

    record CancelResponse(String executionId, String status, String message, String eventId) {}

    @PostMapping("/execute")
    Mono<ExecutionResponse> execute(
            @Valid @RequestBody ExecuteRequest request,
            Caller caller,
            ServerHttpRequest http,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        return admit(
                new ExecutionAdmission.Request(
                        caller.userId(),
                        request.script(),
                        request.langOrDefault(),
                        request.versionOrDefault(),
                        idempotencyKey),
                caller,
                http);
    }

    /**
     * A new execution of the same script, language and version, owned by the caller. Only a finished one is
     * retried: a retry is a new execution, so no aggregate sees the original's state when it is admitted.
     */
    @PostMapping("/executions/{executionId}/retry")
    Mono<ExecutionResponse> retry(@PathVariable String executionId, Caller caller, ServerHttpRequest http) {
        return access.load(executionId, caller).flatMap(original -> {
            if (!original.status().isTerminal()) {
                return Mono.error(new SandpodException(
                        ErrorCode.INVALID_STATE,
                        "Cannot retry execution in " + original.status().wireName() + " state"));
            }
            return admit(
                    new ExecutionAdmission.Request(
                            caller.userId(), original.script(), original.lang(), original.langVersion(), null),
                    caller,
                    http);
        });
    }

    /** One call to the admission (blocking, so off the event loop); a replayed key answers its execution's status. */
    private Mono<ExecutionResponse> admit(ExecutionAdmission.Request request, Caller caller, ServerHttpRequest http) {
        return Mono.fromCallable(() -> admission.admit(request, Origin.of(caller, http)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(admitted -> (admitted.replayed()
                                ? statusOf(admitted.executionId())
                                : Mono.just(ExecutionStatus.QUEUED.wireName()))
                        .map(status -> new ExecutionResponse(admitted.executionId(), status)));
    }

    private Mono<String> statusOf(String executionId) {
        return Mono.fromFuture(
                        () -> queries.query(new FindExecutionResultQuery(executionId), ExecutionResultView.class))
                .timeout(TIMEOUT)
                .map(view -> view.status().wireName())
                .defaultIfEmpty(ExecutionStatus.QUEUED.wireName());
    }

    record DeleteResponse(String message, String executionId) {}

    /** Admin only: a tombstone; the execution leaves results and lists, its events stay for auditors. */
    @DeleteMapping("/executions/{executionId}")
    Mono<DeleteResponse> delete(@PathVariable String executionId, Caller caller, ServerHttpRequest http) {
        if (!caller.isAdmin()) {
            return Mono.error(new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required"));
        }
        return access.load(executionId, caller)
                .flatMap(view -> Mono.fromFuture(() -> commands.send(
                                Origin.command(new DeleteExecutionCommand(executionId, caller.userId()), caller, http)))
                        .timeout(TIMEOUT))
                .thenReturn(new DeleteResponse("Execution deleted successfully", executionId));
    }

    /**
     * An execution already cancelled answers {@code already_cancelled}; any other finished one is refused by
     * the aggregate (400 {@code InvalidState}), which is the one place that knows its state for sure.
     */
    @PostMapping("/executions/{executionId}/cancel")
    Mono<CancelResponse> cancel(
            @PathVariable String executionId,
            @RequestBody(required = false) @Valid CancelRequest request,
            Caller caller,
            ServerHttpRequest http) {
        String reason = request == null ? null : request.reason();
        return access.load(executionId, caller).flatMap(view -> {
            if (view.status() == ExecutionStatus.CANCELLED) {
                return Mono.just(
                        new CancelResponse(executionId, "already_cancelled", "Execution is already cancelled", null));
            }
            return Mono.fromFuture(() -> commands.<ExecutionStatus>send(Origin.command(
                            new CancelExecutionCommand(executionId, caller.userId(), reason), caller, http)))
                    .timeout(TIMEOUT)
                    .then(Mono.fromFuture(() -> queries.query(
                                    new FindExecutionCancellationQuery(executionId),
                                    ResponseTypes.optionalInstanceOf(ExecutionCancellationView.class)))
                            .timeout(TIMEOUT))
                    .map(cancel -> new CancelResponse(
                            executionId,
                            "cancellation_requested",
                            "Cancellation requested",
                            cancel.map(ExecutionCancellationView::eventId).orElse(null)));
        });
    }

    record ExecutionListResponse(
            List<ExecutionResultResponse> executions, long total, int limit, int skip, boolean hasMore) {}

    @GetMapping("/executions/{executionId}/result")
    Mono<ExecutionResultResponse> result(@PathVariable String executionId, Caller caller) {
        return access.load(executionId, caller).map(ExecutionResultResponse::of);
    }

    @GetMapping("/user/executions")
    Mono<ExecutionListResponse> list(
            Caller caller,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String lang,
            @RequestParam(name = "start_time", required = false) String startTime,
            @RequestParam(name = "end_time", required = false) String endTime,
            @RequestParam(required = false, defaultValue = "50") String limit,
            @RequestParam(required = false, defaultValue = "0") String skip) {
        var query = new FindUserExecutionsQuery(
                caller.userId(),
                QueryParameters.oneOf(
                        "status",
                        status,
                        ExecutionStatus::fromWire,
                        ExecutionStatus.values(),
                        ExecutionStatus::wireName),
                QueryParameters.optional(lang),
                QueryParameters.instant("start_time", startTime),
                QueryParameters.instant("end_time", endTime),
                QueryParameters.integer("limit", limit, 1, 200),
                QueryParameters.integer("skip", skip, 0, Integer.MAX_VALUE));
        return Mono.fromFuture(() -> queries.query(query, ExecutionPageView.class))
                .timeout(TIMEOUT)
                .map(page -> new ExecutionListResponse(
                        page.executions().stream()
                                .map(ExecutionResultResponse::of)
                                .toList(),
                        page.total(),
                        page.limit(),
                        page.skip(),
                        page.hasMore()));
    }

    /** The execution's stored events in order, optionally only some types. */
    @GetMapping("/executions/{executionId}/events")
    Mono<List<Map<String, Object>>> events(
            @PathVariable String executionId,
            Caller caller,
            @RequestParam(name = "event_types", required = false) List<String> eventTypes,
            @RequestParam(required = false, defaultValue = "100") String limit) {
        int max = QueryParameters.integer("limit", limit, 1, 1000);
        Set<String> types = new HashSet<>(QueryParameters.list(eventTypes));
        return access.load(executionId, caller)
                .flatMap(view ->
                        Mono.fromCallable(() -> history.of(executionId)).subscribeOn(Schedulers.boundedElastic()))
                .map(all -> all.stream()
                        .filter(e -> types.isEmpty() || types.contains(String.valueOf(e.get("event_type"))))
                        .limit(max)
                        .toList());
    }
}
