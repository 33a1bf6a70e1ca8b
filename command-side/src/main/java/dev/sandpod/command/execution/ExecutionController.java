package dev.sandpod.command.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.CancelExecutionCommand;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindExecutionResultQuery;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.RequestExecutionCommand;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.api.web.Caller;
import dev.sandpod.command.web.Origin;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Turns execution requests into commands; reads only what it needs to check ownership. */
@RestController
@RequestMapping("/api/v1")
class ExecutionController {

    static final int MAX_SCRIPT_LENGTH = 50_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final RuntimeCatalog runtimes;

    ExecutionController(CommandGateway commands, QueryGateway queries, RuntimeCatalog runtimes) {
        this.commands = commands;
        this.queries = queries;
        this.runtimes = runtimes;
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
            ServerHttpRequest http) {
        String lang = request.langOrDefault();
        String version = request.versionOrDefault();
        var rejection = runtimes.rejection(lang, version);
        if (rejection.isPresent()) {
            return Mono.error(new SandpodException(ErrorCode.UNSUPPORTED_RUNTIME, rejection.get()));
        }
        String executionId = UUID.randomUUID().toString();
        var command = new RequestExecutionCommand(executionId, caller.userId(), request.script(), lang, version,
                Priority.NORMAL);
        return Mono.fromFuture(() -> commands.send(Origin.command(command, caller, http)))
                .timeout(TIMEOUT)
                .thenReturn(new ExecutionResponse(executionId, ExecutionStatus.QUEUED.wireName()));
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
