package dev.sandpod.web.execution;

import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.api.web.Caller;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1")
class ExecutionQueryController {

    private final QueryGateway queries;
    private final ExecutionAccess access;

    ExecutionQueryController(QueryGateway queries, ExecutionAccess access) {
        this.queries = queries;
        this.access = access;
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
        var query = new FindUserExecutionsQuery(caller.userId(), parseStatus(status), blankToNull(lang),
                parseInstant("start_time", startTime), parseInstant("end_time", endTime),
                parseInt("limit", limit, 1, 200), parseInt("skip", skip, 0, Integer.MAX_VALUE));
        return Mono.fromFuture(() -> queries.query(query, ExecutionPageView.class))
                .timeout(ExecutionAccess.QUERY_TIMEOUT)
                .map(page -> new ExecutionListResponse(
                        page.executions().stream().map(ExecutionResultResponse::of).toList(), page.total(),
                        page.limit(), page.skip(), page.hasMore()));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static ExecutionStatus parseStatus(String status) {
        if (blankToNull(status) == null) {
            return null;
        }
        try {
            return ExecutionStatus.fromWire(status);
        } catch (IllegalArgumentException e) {
            throw RequestValidationException.of("query", "status", "Input should be one of "
                    + java.util.Arrays.stream(ExecutionStatus.values()).map(ExecutionStatus::wireName).toList());
        }
    }

    private static Instant parseInstant(String field, String value) {
        if (blankToNull(value) == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException again) {
                throw RequestValidationException.of("query", field, "Input should be a valid datetime");
            }
        }
    }

    private static int parseInt(String field, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw RequestValidationException.of("query", field, "Input should be a valid integer");
        }
        if (parsed < min || parsed > max) {
            throw RequestValidationException.of("query", field,
                    "Input should be between " + min + " and " + max);
        }
        return parsed;
    }
}
