package dev.sandpod.web.execution;

import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.history.EventHistory;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code GET /executions/{id}/events}: the execution's stored events in order, optionally by type. */
@RestController
class ExecutionEventsController {

    private final ExecutionAccess access;
    private final EventHistory history;

    ExecutionEventsController(ExecutionAccess access, EventHistory history) {
        this.access = access;
        this.history = history;
    }

    @GetMapping("/api/v1/executions/{executionId}/events")
    Mono<List<Map<String, Object>>> events(@PathVariable String executionId, Caller caller,
            @RequestParam(name = "event_types", required = false) List<String> eventTypes,
            @RequestParam(required = false, defaultValue = "100") String limit) {
        int max = parseLimit(limit);
        Set<String> types = eventTypes == null ? Set.of()
                : eventTypes.stream().filter(Objects::nonNull).flatMap(t -> Arrays.stream(t.split(","))).map(String::trim)
                        .filter(t -> !t.isEmpty()).collect(Collectors.toSet());
        return access.load(executionId, caller)
                .flatMap(view -> Mono.fromCallable(() -> history.of(executionId)).subscribeOn(Schedulers.boundedElastic()))
                .map(all -> all.stream()
                        .filter(e -> types.isEmpty() || types.contains(String.valueOf(e.get("event_type"))))
                        .limit(max)
                        .toList());
    }

    private static int parseLimit(String value) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1 && parsed <= 1000) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below as a validation error
        }
        throw RequestValidationException.of("query", "limit", "Input should be an integer between 1 and 1000");
    }
}
