package dev.sandpod.web.execution;

import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.query.history.EventHistory;
import dev.sandpod.web.apidocs.ApiResource;
import dev.sandpod.web.support.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The execution resource's reads: one execution's result, the caller's list and an execution's stored event
 * history. Submitting, retrying, cancelling and deleting are {@link ExecutionController}; both keep the
 * {@code execution_*} operation ids ({@link ApiResource}).
 */
@RestController
@RequestMapping("/api/v1")
@ApiResource("execution")
@Tag(name = "Executions", description = "Run a script, read its result and history, cancel, retry or delete it")
class ExecutionReadController {

    private final ExecutionAccess access;
    private final EventHistory history;

    ExecutionReadController(ExecutionAccess access, EventHistory history) {
        this.access = access;
        this.history = history;
    }

    @Schema(name = "ExecutionListResponse")
    record ExecutionListResponse(
            List<ExecutionResultResponse> executions, long total, int limit, int skip, boolean hasMore) {}

    @GetMapping("/executions/{executionId}/result")
    @Operation(summary = "An execution's status and, once it has finished, its output and resource usage")
    @ApiResponse(responseCode = "200", description = "The execution as it is now")
    @ApiResponse(responseCode = "403", description = "Another user's execution")
    @ApiResponse(responseCode = "404", description = "No such execution")
    Mono<ExecutionResultResponse> result(@PathVariable String executionId, Caller caller) {
        return access.load(executionId, caller).map(ExecutionResultResponse::of);
    }

    @GetMapping("/user/executions")
    @Operation(summary = "The caller's executions, newest first")
    @ApiResponse(responseCode = "200", description = "One page of them")
    Mono<ExecutionListResponse> list(
            Caller caller,
            @RequestParam(required = false) @Schema(implementation = ExecutionStatus.class) String status,
            @RequestParam(required = false) String lang,
            @RequestParam(name = "start_time", required = false)
                    @Parameter(schema = @Schema(type = "string", format = "date-time"))
                    String startTime,
            @RequestParam(name = "end_time", required = false)
                    @Parameter(schema = @Schema(type = "string", format = "date-time"))
                    String endTime,
            @RequestParam(required = false, defaultValue = "50")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "200"))
                    String limit,
            @RequestParam(required = false, defaultValue = "0")
                    @Parameter(schema = @Schema(type = "integer", minimum = "0"))
                    String skip) {
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
        return access.page(query)
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
    @Operation(
            summary = "An execution's history: its events as stored, in order",
            description = "Each event carries its identity, type, version, time, aggregate and metadata, then its own "
                    + "fields.")
    @ApiResponse(
            responseCode = "200",
            description = "The events, oldest first",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = StoredEvent.class))))
    @ApiResponse(responseCode = "403", description = "Another user's execution")
    @ApiResponse(responseCode = "404", description = "No such execution")
    Mono<List<Map<String, Object>>> events(
            @PathVariable String executionId,
            Caller caller,
            @RequestParam(name = "event_types", required = false) @Parameter(description = "Only events of these types")
                    List<String> eventTypes,
            @RequestParam(required = false, defaultValue = "100")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "1000"))
                    String limit) {
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
