package dev.sandpod.web.execution;

import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.execution.ChangeExecutionPriorityCommand;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindExecutionsQuery;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.queue.FindQueueStatusQuery;
import dev.sandpod.api.queue.QueueStatusView;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The admin's view of every user's executions: the list, the queue, and moving a waiting execution up or
 * down the queue. The security filter admits admins only to {@code /admin}.
 */
@RestController
@Tag(name = "Admin: executions", description = "Every user's executions and the queue (admins)")
class AdminExecutionController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final ExecutionAccess access;

    AdminExecutionController(CommandGateway commands, QueryGateway queries, ExecutionAccess access) {
        this.commands = commands;
        this.queries = queries;
        this.access = access;
    }

    @Schema(name = "AdminExecutionResponse")
    record AdminExecutionResponse(
            String executionId,
            String script,
            @Schema(implementation = ExecutionStatus.class) String status,
            String lang,
            String langVersion,
            String stdout,
            String stderr,
            Integer exitCode,

            @Schema(implementation = dev.sandpod.api.execution.ErrorType.class)
            String errorType,

            @Schema(implementation = Priority.class) String priority,
            String userId,
            Instant createdAt,
            Instant updatedAt) {

        static AdminExecutionResponse of(ExecutionResultView v) {
            return of(v, v.priority());
        }

        /** With {@code priority} in place of the view's: a change just sent that the read model may not show yet. */
        static AdminExecutionResponse of(ExecutionResultView v, Priority priority) {
            return new AdminExecutionResponse(
                    v.executionId(),
                    v.script(),
                    v.status().wireName(),
                    v.lang(),
                    v.langVersion(),
                    v.stdout(),
                    v.stderr(),
                    v.exitCode(),
                    v.errorType() == null ? null : v.errorType().wireName(),
                    priority.wireName(),
                    v.userId(),
                    v.createdAt(),
                    v.updatedAt());
        }
    }

    @Schema(name = "AdminExecutionListResponse")
    record AdminExecutionListResponse(
            List<AdminExecutionResponse> executions, long total, int limit, int skip, boolean hasMore) {}

    @Schema(name = "QueueStatusResponse")
    record QueueStatusResponse(
            @Schema(description = "Executions waiting for a slot")
            long queueDepth,

            @Schema(description = "Executions holding a slot")
            long activeCount,

            int maxConcurrent,

            @Schema(description = "Waiting executions per priority")
            Map<String, Long> byPriority) {}

    @Schema(name = "PriorityUpdateRequest")
    record PriorityRequest(
            @NotNull @Schema(implementation = Priority.class, requiredMode = Schema.RequiredMode.REQUIRED)
            String priority) {}

    @GetMapping({"/api/v1/admin/executions", "/api/v1/admin/executions/"})
    @Operation(summary = "Every user's executions, newest first")
    @ApiResponse(responseCode = "200", description = "One page of them")
    Mono<AdminExecutionListResponse> executions(
            @RequestParam(required = false) @Schema(implementation = ExecutionStatus.class) String status,
            @RequestParam(required = false) @Schema(implementation = Priority.class) String priority,
            @RequestParam(name = "user_id", required = false) String userId,
            @RequestParam(required = false, defaultValue = "50")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "200"))
                    String limit,
            @RequestParam(required = false, defaultValue = "0")
                    @Parameter(schema = @Schema(type = "integer", minimum = "0"))
                    String skip) {
        var query = new FindExecutionsQuery(
                QueryParameters.oneOf(
                        "status",
                        status,
                        ExecutionStatus::fromWire,
                        ExecutionStatus.values(),
                        ExecutionStatus::wireName),
                QueryParameters.oneOf("priority", priority, Priority::fromWire, Priority.values(), Priority::wireName),
                QueryParameters.optional(userId),
                QueryParameters.integer("limit", limit, 1, 200),
                QueryParameters.integer("skip", skip, 0, Integer.MAX_VALUE));
        return Mono.fromFuture(() -> queries.query(query, ExecutionPageView.class))
                .timeout(TIMEOUT)
                .map(page -> new AdminExecutionListResponse(
                        page.executions().stream()
                                .map(AdminExecutionResponse::of)
                                .toList(),
                        page.total(),
                        page.limit(),
                        page.skip(),
                        page.hasMore()));
    }

    @GetMapping({"/api/v1/admin/executions/queue", "/api/v1/admin/executions/queue/"})
    @Operation(summary = "The queue: how many wait, how many run, and the waiting per priority")
    @ApiResponse(responseCode = "200", description = "The queue now")
    Mono<QueueStatusResponse> queue() {
        return Mono.fromFuture(() -> queries.query(new FindQueueStatusQuery(), QueueStatusView.class))
                .timeout(TIMEOUT)
                .zipWith(Mono.fromFuture(() -> queries.query(new FindSystemSettingsQuery(), SystemSettings.class))
                        .timeout(TIMEOUT)
                        .defaultIfEmpty(SystemSettings.DEFAULTS))
                .map(t -> new QueueStatusResponse(
                        t.getT1().queueDepth(),
                        t.getT1().activeCount(),
                        t.getT2().maxConcurrentExecutions(),
                        t.getT1().byPriority()));
    }

    @PutMapping("/api/v1/admin/executions/{executionId}/priority")
    @Operation(summary = "Move a waiting execution up or down the queue")
    @ApiResponse(responseCode = "200", description = "The execution with its new priority")
    @ApiResponse(responseCode = "400", description = "The execution is no longer waiting")
    @ApiResponse(responseCode = "404", description = "No such execution")
    Mono<AdminExecutionResponse> changePriority(
            @PathVariable String executionId,
            @Valid @RequestBody PriorityRequest request,
            Caller caller,
            ServerHttpRequest http) {
        Priority priority;
        try {
            priority = Priority.fromWire(request.priority());
        } catch (IllegalArgumentException e) {
            return Mono.error(RequestValidationException.of(
                    "body",
                    "priority",
                    "Input should be one of "
                            + Arrays.stream(Priority.values())
                                    .map(Priority::wireName)
                                    .toList()));
        }
        return access.load(executionId, caller)
                .flatMap(view -> Mono.fromFuture(() -> commands.send(Origin.command(
                                new ChangeExecutionPriorityCommand(executionId, priority, caller.userId()),
                                caller,
                                http)))
                        .timeout(TIMEOUT)
                        .thenReturn(AdminExecutionResponse.of(view, priority)));
    }
}
