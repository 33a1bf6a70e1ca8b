package dev.sandpod.web.execution;

import dev.sandpod.command.execution.ActiveExecutionTracker;
import dev.sandpod.command.execution.ExecutionAdmission;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.CancelExecutionCommand;
import dev.sandpod.api.execution.ChangeExecutionPriorityCommand;
import dev.sandpod.api.execution.DeleteExecutionCommand;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindExecutionResultQuery;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.RequestExecutionCommand;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.query.history.EventHistory;
import dev.sandpod.web.support.QueryParameters;
import dev.sandpod.web.support.Origin;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
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
    private static final int MAX_KEY_LENGTH = 255;
    private static final int ACCEPT_WAIT_POLLS = 60;
    private static final Duration ACCEPT_WAIT_POLL = Duration.ofMillis(50);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final RuntimeCatalog runtimes;
    private final ExecutionAdmission admission;
    private final ActiveExecutionTracker activeExecutions;
    private final ExecutionAccess access;
    private final EventHistory history;
    private final int maxActivePerUser;

    ExecutionController(CommandGateway commands, QueryGateway queries, RuntimeCatalog runtimes,
            ExecutionAdmission admission, ActiveExecutionTracker activeExecutions, ExecutionAccess access,
            EventHistory history, @Value("${sandpod.execution.max-active-per-user:5}") int maxActivePerUser) {
        this.commands = commands;
        this.queries = queries;
        this.runtimes = runtimes;
        this.admission = admission;
        this.activeExecutions = activeExecutions;
        this.access = access;
        this.history = history;
        this.maxActivePerUser = maxActivePerUser;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ExecuteRequest(
            @NotNull @Size(max = MAX_SCRIPT_LENGTH, message = "Script must be at most 50000 characters") String script,
            String lang,
            String langVersion) {

        String langOrDefault() {
            return lang == null ? "python" : lang;
        }

        String versionOrDefault() {
            return langVersion == null ? "3.11" : langVersion;
        }
    }

    record ExecutionResponse(String executionId, String status) {
    }

    record CancelRequest(@Size(max = 500) String reason) {
    }

    record CancelResponse(String executionId, String status, String message, String eventId) {
    }

    @PostMapping("/execute")
    Mono<ExecutionResponse> execute(@Valid @RequestBody ExecuteRequest request, Caller caller,
            ServerHttpRequest http, @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        String lang = request.langOrDefault();
        String version = request.versionOrDefault();
        var rejection = runtimes.rejection(lang, version);
        if (rejection.isPresent()) {
            return Mono.error(new SandpodException(ErrorCode.UNSUPPORTED_RUNTIME, rejection.get()));
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY_LENGTH)) {
            return Mono.error(RequestValidationException.of("header", "Idempotency-Key",
                    "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters"));
        }
        String executionId = UUID.randomUUID().toString();
        Mono<ExecutionResponse> submit = submit(executionId, request.script(), lang, version, caller, http);
        if (idempotencyKey == null) {
            return submit;
        }
        return Mono.fromCallable(() -> admission.claimKey(caller.userId(), idempotencyKey, executionId))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(existing -> existing.isPresent()
                        ? replay(caller, idempotencyKey, existing.get())
                        : submit.flatMap(response -> Mono.fromRunnable(
                                        () -> admission.markAccepted(caller.userId(), idempotencyKey))
                                        .subscribeOn(Schedulers.boundedElastic())
                                        .thenReturn(response))
                                .onErrorResume(e -> Mono.fromRunnable(
                                                () -> admission.releaseKey(caller.userId(), idempotencyKey))
                                        .subscribeOn(Schedulers.boundedElastic())
                                        .then(Mono.error(e))));
    }

    /** Reserves one of the caller's active places, then requests the execution; the place is freed on failure. */
    private Mono<ExecutionResponse> submit(String executionId, String script, String lang, String version,
            Caller caller, ServerHttpRequest http) {
        var command = new RequestExecutionCommand(executionId, caller.userId(), script, lang, version, Priority.NORMAL);
        return Mono.fromCallable(() -> {
                    if (!admission.reserveActive(caller.userId(), executionId, maxActivePerUser)
                            && !(activeExecutions.releaseFinished(caller.userId()) > 0
                                    && admission.reserveActive(caller.userId(), executionId, maxActivePerUser))) {
                        throw new SandpodException(ErrorCode.TOO_MANY_REQUESTS, "Too many active executions: at most "
                                + maxActivePerUser + " may be queued or running at once; wait for one to finish");
                    }
                    return executionId;
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(id -> Mono.fromFuture(() -> commands.send(Origin.command(command, caller, http)))
                        .timeout(TIMEOUT)
                        .onErrorResume(e -> Mono.fromRunnable(() -> admission.releaseActive(caller.userId(), id))
                                .subscribeOn(Schedulers.boundedElastic())
                                .then(Mono.error(e))))
                .thenReturn(new ExecutionResponse(executionId, ExecutionStatus.QUEUED.wireName()));
    }

    /** A new execution of the same script, language and version, owned by the caller (SPEC §3.6). */
    @PostMapping("/executions/{executionId}/retry")
    Mono<ExecutionResponse> retry(@PathVariable String executionId, Caller caller, ServerHttpRequest http) {
        return access.load(executionId, caller).flatMap(original -> {
            if (!original.status().isTerminal()) {
                return Mono.error(new SandpodException(ErrorCode.INVALID_STATE,
                        "Cannot retry execution in " + original.status().wireName() + " state"));
            }
            var rejection = runtimes.rejection(original.lang(), original.langVersion());
            if (rejection.isPresent()) {
                return Mono.error(new SandpodException(ErrorCode.UNSUPPORTED_RUNTIME, rejection.get()));
            }
            return submit(UUID.randomUUID().toString(), original.script(), original.lang(), original.langVersion(),
                    caller, http);
        });
    }

    record DeleteResponse(String message, String executionId) {
    }

    /** Admin only: a tombstone; the execution leaves results and lists, its events stay for auditors. */
    @DeleteMapping("/executions/{executionId}")
    Mono<DeleteResponse> delete(@PathVariable String executionId, Caller caller, ServerHttpRequest http) {
        if (!caller.isAdmin()) {
            return Mono.error(new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required"));
        }
        return access.load(executionId, caller)
                .flatMap(view -> Mono.fromFuture(() -> commands.send(Origin.command(
                                new DeleteExecutionCommand(executionId, caller.userId()), caller, http)))
                        .timeout(TIMEOUT))
                .thenReturn(new DeleteResponse("Execution deleted successfully", executionId));
    }

    /**
     * A key seen before: answer with its execution. While the first request is still being accepted the
     * duplicate waits a moment for it, and gets 409 if it is still not through.
     */
    private Mono<ExecutionResponse> replay(Caller caller, String key, ExecutionAdmission.Claim claim) {
        Mono<ExecutionAdmission.Claim> accepted = claim.accepted() ? Mono.just(claim)
                : Mono.fromCallable(() -> admission.claimOf(caller.userId(), key).filter(
                                ExecutionAdmission.Claim::accepted).orElse(null))
                        .subscribeOn(Schedulers.boundedElastic())
                        .repeatWhenEmpty(ACCEPT_WAIT_POLLS, polls -> polls.delayElements(ACCEPT_WAIT_POLL));
        return accepted
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.CONFLICT,
                        "A request with this Idempotency-Key is still being processed")))
                .flatMap(done -> Mono.fromFuture(() -> queries.query(
                                new FindExecutionResultQuery(done.executionId()), ExecutionResultView.class))
                        .timeout(TIMEOUT)
                        .map(view -> view.status().wireName())
                        .defaultIfEmpty(ExecutionStatus.QUEUED.wireName())
                        .map(status -> new ExecutionResponse(done.executionId(), status)));
    }

    @PostMapping("/executions/{executionId}/cancel")
    Mono<CancelResponse> cancel(@PathVariable String executionId,
            @RequestBody(required = false) @Valid CancelRequest request, Caller caller, ServerHttpRequest http) {
        String reason = request == null ? null : request.reason();
        return access.load(executionId, caller)
                .flatMap(view -> {
                    if (view.status() == ExecutionStatus.CANCELLED) {
                        return Mono.just(new CancelResponse(executionId, "already_cancelled",
                                "Execution is already cancelled", null));
                    }
                    if (view.status().isTerminal()) {
                        return Mono.error(new SandpodException(ErrorCode.INVALID_STATE,
                                "Cannot cancel execution in " + view.status().wireName() + " state"));
                    }
                    return Mono.fromFuture(() -> commands.<ExecutionStatus>send(Origin.command(
                                    new CancelExecutionCommand(executionId, caller.userId(), reason), caller, http)))
                            .timeout(TIMEOUT)
                            .map(status -> new CancelResponse(executionId, "cancellation_requested",
                                    "Cancellation requested", null));
                });
    }

    record ExecutionListResponse(List<ExecutionResultResponse> executions, long total, int limit, int skip,
            boolean hasMore) {
    }

    @GetMapping("/executions/{executionId}/result")
    Mono<ExecutionResultResponse> result(@PathVariable String executionId, Caller caller) {
        return access.load(executionId, caller).map(ExecutionResultResponse::of);
    }

    @GetMapping("/user/executions")
    Mono<ExecutionListResponse> list(Caller caller,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String lang,
            @RequestParam(name = "start_time", required = false) String startTime,
            @RequestParam(name = "end_time", required = false) String endTime,
            @RequestParam(required = false, defaultValue = "50") String limit,
            @RequestParam(required = false, defaultValue = "0") String skip) {
        var query = new FindUserExecutionsQuery(caller.userId(),
                QueryParameters.oneOf("status", status, ExecutionStatus::fromWire, ExecutionStatus.values(),
                        ExecutionStatus::wireName),
                QueryParameters.optional(lang), QueryParameters.instant("start_time", startTime),
                QueryParameters.instant("end_time", endTime), QueryParameters.integer("limit", limit, 1, 200),
                QueryParameters.integer("skip", skip, 0, Integer.MAX_VALUE));
        return Mono.fromFuture(() -> queries.query(query, ExecutionPageView.class))
                .timeout(TIMEOUT)
                .map(page -> new ExecutionListResponse(
                        page.executions().stream().map(ExecutionResultResponse::of).toList(), page.total(),
                        page.limit(), page.skip(), page.hasMore()));
    }

    /** The execution's stored events in order, optionally only some types. */
    @GetMapping("/executions/{executionId}/events")
    Mono<List<Map<String, Object>>> events(@PathVariable String executionId, Caller caller,
            @RequestParam(name = "event_types", required = false) List<String> eventTypes,
            @RequestParam(required = false, defaultValue = "100") String limit) {
        int max = QueryParameters.integer("limit", limit, 1, 1000);
        Set<String> types = new HashSet<>(QueryParameters.list(eventTypes));
        return access.load(executionId, caller)
                .flatMap(view -> Mono.fromCallable(() -> history.of(executionId)).subscribeOn(Schedulers.boundedElastic()))
                .map(all -> all.stream()
                        .filter(e -> types.isEmpty() || types.contains(String.valueOf(e.get("event_type"))))
                        .limit(max)
                        .toList());
    }}
