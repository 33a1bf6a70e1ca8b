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
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindExecutionResultQuery;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.RequestExecutionCommand;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.support.Origin;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Turns execution requests into commands; reads only what it needs to check ownership. */
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
    private final int maxActivePerUser;

    ExecutionController(CommandGateway commands, QueryGateway queries, RuntimeCatalog runtimes,
            ExecutionAdmission admission, ActiveExecutionTracker activeExecutions,
            @Value("${sandpod.execution.max-active-per-user:5}") int maxActivePerUser) {
        this.commands = commands;
        this.queries = queries;
        this.runtimes = runtimes;
        this.admission = admission;
        this.activeExecutions = activeExecutions;
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
        return ownedExecution(executionId, caller).flatMap(original -> {
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
        return ownedExecution(executionId, caller)
                .flatMap(view -> Mono.fromFuture(() -> commands.send(Origin.command(
                                new DeleteExecutionCommand(executionId, caller.userId()), caller, http)))
                        .timeout(TIMEOUT))
                .thenReturn(new DeleteResponse("Execution deleted successfully", executionId));
    }

    record PriorityRequest(@NotNull String priority) {
    }

    record AdminExecutionResponse(String executionId, String script, String status, String lang,
            String langVersion, String stdout, String stderr, Integer exitCode, String errorType, String priority,
            String userId, java.time.Instant createdAt, java.time.Instant updatedAt) {
    }

    /** Admin: move a waiting execution up or down the queue (SPEC §3.7). */
    @PutMapping("/admin/executions/{executionId}/priority")
    Mono<AdminExecutionResponse> changePriority(@PathVariable String executionId,
            @Valid @RequestBody PriorityRequest request, Caller caller, ServerHttpRequest http) {
        Priority priority;
        try {
            priority = Priority.fromWire(request.priority());
        } catch (IllegalArgumentException e) {
            return Mono.error(RequestValidationException.of("body", "priority", "Input should be one of "
                    + java.util.Arrays.stream(Priority.values()).map(Priority::wireName).toList()));
        }
        return ownedExecution(executionId, caller)
                .flatMap(view -> Mono.fromFuture(() -> commands.send(Origin.command(
                                new ChangeExecutionPriorityCommand(executionId, priority, caller.userId()), caller, http)))
                        .timeout(TIMEOUT)
                        .thenReturn(new AdminExecutionResponse(view.executionId(), view.script(),
                                view.status().wireName(), view.lang(), view.langVersion(), view.stdout(),
                                view.stderr(), view.exitCode(),
                                view.errorType() == null ? null : view.errorType().wireName(), priority.wireName(),
                                view.userId(), view.createdAt(), view.updatedAt())));
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
        return ownedExecution(executionId, caller)
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

    private Mono<ExecutionResultView> ownedExecution(String executionId, Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindExecutionResultQuery(executionId), ExecutionResultView.class))
                .timeout(TIMEOUT)
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "Execution not found")))
                .flatMap(view -> caller.mayAccess(view.userId())
                        ? Mono.just(view)
                        : Mono.error(new SandpodException(ErrorCode.FORBIDDEN,
                                "Not authorized to access this execution")));
    }
}
