package dev.sandpod.web.audit;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import dev.sandpod.projections.eventindex.AuditedEvent;
import dev.sandpod.query.audit.EventIndexQueries;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.support.QueryParameters;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A user's queries over the events of their own aggregates (executions, account, settings, notifications,
 * scripts): list with filters, one event, statistics, and the events of one correlation id. Admins, too,
 * see only their own here; the browser is theirs for everything.
 */
@RestController
@Tag(name = "Events", description = "The caller's own events (an addition)")
@RequestMapping("/api/v1/events")
class UserEventController {

    private final EventIndexQueries index;

    UserEventController(EventIndexQueries index) {
        this.index = index;
    }

    record CorrelatedEvents(String correlationId, List<Map<String, Object>> events, int total) {}

    @Addition
    @GetMapping({"", "/"})
    Mono<EventIndexQueries.Page> list(
            @RequestParam(name = "event_types", required = false) List<String> eventTypes,
            @RequestParam(name = "aggregate_id", required = false) String aggregateId,
            @RequestParam(name = "correlation_id", required = false) String correlationId,
            @RequestParam(name = "start_time", required = false) String startTime,
            @RequestParam(name = "end_time", required = false) String endTime,
            @RequestParam(name = "search_text", required = false) String searchText,
            @RequestParam(required = false, defaultValue = "0") String skip,
            @RequestParam(required = false, defaultValue = "50") String limit,
            Caller caller) {
        int parsedSkip = QueryParameters.integer("skip", skip, 0, Integer.MAX_VALUE);
        int parsedLimit = QueryParameters.integer("limit", limit, 1, 500);
        EventIndexQueries.Filter filter = new EventIndexQueries.Filter(
                QueryParameters.list(eventTypes),
                QueryParameters.optional(aggregateId),
                null,
                QueryParameters.optional(correlationId),
                EventFilters.time("start_time", startTime),
                EventFilters.time("end_time", endTime),
                QueryParameters.optional(searchText),
                caller.userId());
        return Mono.fromCallable(() -> index.browse(filter, parsedSkip, parsedLimit))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Addition
    @GetMapping("/statistics")
    Mono<EventIndexQueries.Stats> statistics(
            @RequestParam(required = false, defaultValue = "24") String hours, Caller caller) {
        int window = QueryParameters.integer("hours", hours, 1, 168);
        return Mono.fromCallable(() -> index.stats(Duration.ofHours(window), caller.userId(), Instant.now()))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Addition
    @GetMapping("/correlation/{correlationId}")
    Mono<CorrelatedEvents> correlation(@PathVariable String correlationId, Caller caller) {
        return Mono.fromCallable(() -> index.correlated(correlationId, caller.userId(), 1000))
                .subscribeOn(Schedulers.boundedElastic())
                .map(events -> new CorrelatedEvents(correlationId, events, events.size()));
    }

    @Addition
    @GetMapping("/{eventId}")
    Mono<Map<String, Object>> event(@PathVariable String eventId, Caller caller) {
        return Mono.fromCallable(() -> index.find(eventId, caller.userId()))
                .subscribeOn(Schedulers.boundedElastic())
                .map(doc -> AuditedEvent.parse(doc.eventJson))
                .switchIfEmpty(Mono.error(() -> new SandpodException(ErrorCode.NOT_FOUND, "Event not found")));
    }
}
