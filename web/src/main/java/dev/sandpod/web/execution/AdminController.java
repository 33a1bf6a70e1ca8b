package dev.sandpod.web.execution;

import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindExecutionsQuery;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.queue.FindQueueStatusQuery;
import dev.sandpod.api.queue.QueueStatusView;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Admin reads: system settings, every user's executions, the queue. The security filter admits admins only. */
@RestController
class AdminController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final QueryGateway queries;

    AdminController(QueryGateway queries) {
        this.queries = queries;
    }

    public record AdminExecutionResponse(String executionId, String script, String status, String lang,
            String langVersion, String stdout, String stderr, Integer exitCode, String errorType, String priority,
            String userId, Instant createdAt, Instant updatedAt) {

        public static AdminExecutionResponse of(ExecutionResultView v) {
            return new AdminExecutionResponse(v.executionId(), v.script(), v.status().wireName(), v.lang(),
                    v.langVersion(), v.stdout(), v.stderr(), v.exitCode(),
                    v.errorType() == null ? null : v.errorType().wireName(), v.priority().wireName(), v.userId(),
                    v.createdAt(), v.updatedAt());
        }
    }

    record AdminExecutionListResponse(List<AdminExecutionResponse> executions, long total, int limit, int skip,
            boolean hasMore) {
    }

    record QueueStatusResponse(long queueDepth, long activeCount, int maxConcurrent, Map<String, Long> byPriority) {
    }

    @GetMapping({"/api/v1/admin/settings", "/api/v1/admin/settings/"})
    Mono<SystemSettings> settings() {
        return settingsNow();
    }

    @GetMapping({"/api/v1/admin/executions", "/api/v1/admin/executions/"})
    Mono<AdminExecutionListResponse> executions(@RequestParam(required = false) String status,
            @RequestParam(required = false) String priority,
            @RequestParam(name = "user_id", required = false) String userId,
            @RequestParam(required = false, defaultValue = "50") String limit,
            @RequestParam(required = false, defaultValue = "0") String skip) {
        var query = new FindExecutionsQuery(parseStatus(status), parsePriority(priority),
                userId == null || userId.isBlank() ? null : userId, parseInt("limit", limit, 1, 200),
                parseInt("skip", skip, 0, Integer.MAX_VALUE));
        return Mono.fromFuture(() -> queries.query(query, ExecutionPageView.class))
                .timeout(TIMEOUT)
                .map(page -> new AdminExecutionListResponse(
                        page.executions().stream().map(AdminExecutionResponse::of).toList(), page.total(),
                        page.limit(), page.skip(), page.hasMore()));
    }

    @GetMapping({"/api/v1/admin/executions/queue", "/api/v1/admin/executions/queue/"})
    Mono<QueueStatusResponse> queue() {
        return Mono.fromFuture(() -> queries.query(new FindQueueStatusQuery(), QueueStatusView.class))
                .timeout(TIMEOUT)
                .zipWith(settingsNow())
                .map(t -> new QueueStatusResponse(t.getT1().queueDepth(), t.getT1().activeCount(),
                        t.getT2().maxConcurrentExecutions(), t.getT1().byPriority()));
    }

    private Mono<SystemSettings> settingsNow() {
        return Mono.fromFuture(() -> queries.query(new FindSystemSettingsQuery(), SystemSettings.class))
                .timeout(TIMEOUT)
                .defaultIfEmpty(SystemSettings.DEFAULTS);
    }

    private static ExecutionStatus parseStatus(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return ExecutionStatus.fromWire(value);
        } catch (IllegalArgumentException e) {
            throw RequestValidationException.of("query", "status", "Input should be one of "
                    + Arrays.stream(ExecutionStatus.values()).map(ExecutionStatus::wireName).toList());
        }
    }

    private static Priority parsePriority(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Priority.fromWire(value);
        } catch (IllegalArgumentException e) {
            throw RequestValidationException.of("query", "priority", "Input should be one of "
                    + Arrays.stream(Priority.values()).map(Priority::wireName).toList());
        }
    }

    private static int parseInt(String field, String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below as a validation error
        }
        throw RequestValidationException.of("query", field, "Input should be an integer between " + min + " and " + max);
    }
}
