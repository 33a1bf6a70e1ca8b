package dev.sandpod.web.execution;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.CancelExecutionCommand;
import dev.sandpod.api.execution.DeleteExecutionCommand;
import dev.sandpod.api.execution.ExecutionCancellationView;
import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindExecutionCancellationQuery;
import dev.sandpod.api.execution.FindExecutionResultQuery;
import dev.sandpod.api.web.Caller;
import dev.sandpod.command.execution.ExecutionAdmission;
import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.query.execution.ExecutionStream;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
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
 * The execution resource: submit, retry, cancel and delete (commands). Its reads (result, the caller's list, the
 * stored event history) are {@link ExecutionReadController}, the request body {@link ExecuteRequest}. The live
 * stream is its own resource, {@link ExecutionStreamController}; the admin's queue view is
 * {@link AdminExecutionController}.
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Executions", description = "Run a script, read its result and history, cancel, retry or delete it")
class ExecutionController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final ExecutionAdmission admission;
    private final ExecutionAccess access;
    private final ExecutionStream stream;

    ExecutionController(
            CommandGateway commands,
            QueryGateway queries,
            ExecutionAdmission admission,
            ExecutionAccess access,
            ExecutionStream stream) {
        this.stream = stream;
        this.commands = commands;
        this.queries = queries;
        this.admission = admission;
        this.access = access;
    }

    @Schema(name = "ExecutionResponse")
    record ExecutionResponse(
            String executionId,
            @Schema(implementation = ExecutionStatus.class) String status) {}

    @Schema(name = "CancelExecutionRequest")
    record CancelRequest(
            @Size(max = 500) @Schema(description = "Why, kept with the cancel event")
            String reason) {}

    @Schema(name = "CancelResponse")
    record CancelResponse(
            String executionId,

            @Schema(allowableValues = {"already_cancelled", "cancellation_requested"})
            String status,

            String message,
            @Schema(description = "The cancel event's id") String eventId) {}

    /** The longest (and default) wait of {@code wait=true}. */
    static final int MAX_WAIT_SECONDS = 30;

    @PostMapping("/execute")
    @Operation(
            summary = "Run a script",
            description = "Queues a run and answers at once with its id; follow it on "
                    + "GET /api/v1/events/executions/{execution_id}. An Idempotency-Key seen before answers the "
                    + "execution it started. With wait=true the answer waits up to wait_seconds (default and at most "
                    + "30) for the run to finish: 200 with the finished result (the GET .../result shape) if it does, "
                    + "202 with {execution_id, status} if it does not.")
    @ApiResponse(
            responseCode = "200",
            description = "Queued (or the execution an Idempotency-Key started); with wait=true, the finished result",
            content = @Content(schema = @Schema(oneOf = {ExecutionResponse.class, ExecutionResultResponse.class})))
    @ApiResponse(
            responseCode = "202",
            description = "wait=true and the run had not finished within wait_seconds: its id and status",
            content = @Content(schema = @Schema(implementation = ExecutionResponse.class)),
            extensions =
                    @io.swagger.v3.oas.annotations.extensions.Extension(
                            properties =
                                    @io.swagger.v3.oas.annotations.extensions.ExtensionProperty(
                                            name = "x-sandpod-addition",
                                            value = "true",
                                            parseValue = true)))
    @ApiResponse(responseCode = "409", description = "A request with this Idempotency-Key is still being processed")
    @ApiResponse(
            responseCode = "422",
            description = "No such runtime, the script is too long, or an input is over its cap")
    @ApiResponse(responseCode = "429", description = "The caller has too many runs still active")
    Mono<ResponseEntity<Object>> execute(
            @Valid @RequestBody ExecuteRequest request,
            Caller caller,
            ServerHttpRequest http,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestParam(required = false)
                    @Parameter(
                            description = "true: answer with the finished result when the run ends within wait_seconds"
                                    + " (an addition to the contract)",
                            schema = @Schema(type = "boolean", defaultValue = "false"))
                    String wait,
            @RequestParam(name = "wait_seconds", required = false)
                    @Parameter(
                            description = "How long wait=true waits (an addition to the contract)",
                            schema = @Schema(type = "integer", minimum = "1", maximum = "30", defaultValue = "30"))
                    String waitSeconds) {
        boolean waiting = wait != null && QueryParameters.bool("wait", wait);
        int seconds = waitSeconds == null
                ? MAX_WAIT_SECONDS
                : QueryParameters.integer("wait_seconds", waitSeconds, 1, MAX_WAIT_SECONDS);
        return admit(
                        new ExecutionAdmission.Request(
                                caller.userId(),
                                request.script(),
                                request.langOrDefault(),
                                request.versionOrDefault(),
                                idempotencyKey,
                                request.inputs()),
                        caller,
                        http)
                .flatMap(admitted -> waiting
                        ? finished(admitted, Duration.ofSeconds(seconds))
                        : Mono.just(ResponseEntity.ok(admitted)));
    }

    /**
     * The finished result (200) once the run's {@code result_stored} frame is stored, or 202 with the id after
     * {@code max}: a subscription to the execution's frames, no polling.
     */
    private Mono<ResponseEntity<Object>> finished(ExecutionResponse admitted, Duration max) {
        return stream.result(admitted.executionId(), max)
                .map(result -> ResponseEntity.ok((Object) ExecutionResultResponse.of(result)))
                .switchIfEmpty(Mono.defer(() -> statusOf(admitted.executionId())
                        .map(status -> ResponseEntity.status(HttpStatus.ACCEPTED)
                                .body((Object) new ExecutionResponse(admitted.executionId(), status)))));
    }

    /**
     * A new execution of the same script, language and version, owned by the caller. Only a finished one is
     * retried: a retry is a new execution, so no aggregate sees the original's state when it is admitted.
     */
    @PostMapping("/executions/{executionId}/retry")
    @Operation(summary = "Run a finished execution's script again, as a new execution")
    @ApiResponse(responseCode = "200", description = "The new execution, queued")
    @ApiResponse(responseCode = "400", description = "The execution has not finished")
    @ApiResponse(responseCode = "403", description = "Another user's execution")
    @ApiResponse(responseCode = "404", description = "No such execution")
    @ApiResponse(responseCode = "429", description = "The caller has too many runs still active")
    Mono<ExecutionResponse> retry(@PathVariable String executionId, Caller caller, ServerHttpRequest http) {
        return access.load(executionId, caller).flatMap(original -> {
            if (!original.status().isTerminal()) {
                return Mono.error(new SandpodException(
                        ErrorCode.INVALID_STATE,
                        "Cannot retry execution in " + original.status().wireName() + " state"));
            }
            // the stored, validated inputs of the original: a retry runs exactly what was accepted then
            return Mono.fromCallable(() -> admission.inputsOf(executionId).orElse(ExecutionInputs.NONE))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(inputs -> admit(
                            new ExecutionAdmission.Request(
                                    caller.userId(),
                                    original.script(),
                                    original.lang(),
                                    original.langVersion(),
                                    null,
                                    inputs),
                            caller,
                            http));
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

    @Schema(name = "DeleteResponse")
    record DeleteResponse(String message, String executionId) {}

    /** Admin only: a tombstone; the execution leaves results and lists, its events stay for auditors. */
    @DeleteMapping("/executions/{executionId}")
    @Operation(
            summary = "Delete an execution (admins)",
            description = "It leaves results and lists; its events stay in the event store for auditors.")
    @ApiResponse(responseCode = "200", description = "Deleted")
    @ApiResponse(responseCode = "403", description = "Admin access required")
    @ApiResponse(responseCode = "404", description = "No such execution")
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
    @Operation(summary = "Cancel a waiting or running execution")
    @ApiResponse(responseCode = "200", description = "Cancellation requested, or the execution was already cancelled")
    @ApiResponse(responseCode = "400", description = "The execution has already finished")
    @ApiResponse(responseCode = "403", description = "Another user's execution")
    @ApiResponse(responseCode = "404", description = "No such execution")
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
}
