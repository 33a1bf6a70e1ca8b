package dev.sandpod.web.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.audit.AuditIds;
import dev.sandpod.api.audit.HideEventCommand;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.audit.EventIndexQueries;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import dev.sandpod.web.support.ReadYourWrites;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The admin event browser: browse with filters, statistics, one event in detail, streamed exports, and
 * hiding an event (recorded as an event of its own; the store stays append-only). Admin-only by path.
 */
@RestController
@RequestMapping("/api/v1/admin/events")
class AdminEventController {

    static final int MAX_EXPORT = 1_000_000;

    private final EventIndexQueries index;
    private final CommandGateway commands;

    AdminEventController(EventIndexQueries index, CommandGateway commands) {
        this.index = index;
        this.commands = commands;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record FilterRequest(
            List<String> eventTypes,
            String aggregateId,
            String userId,
            String correlationId,
            String startTime,
            String endTime,
            String serviceName,
            String searchText) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record BrowseRequest(FilterRequest filters, Integer skip, Integer limit) {}

    record DeleteResponse(String message, String eventId) {}

    @PostMapping("/browse")
    Mono<EventIndexQueries.Page> browse(@RequestBody BrowseRequest request) {
        if (request.filters() == null) {
            throw QueryParameters.invalid("filters", "Field required");
        }
        int skip = request.skip() == null ? 0 : request.skip();
        int limit = request.limit() == null ? 50 : request.limit();
        if (skip < 0) {
            throw QueryParameters.invalid("skip", "Input should be greater than or equal to 0");
        }
        if (limit < 1 || limit > 500) {
            throw QueryParameters.invalid("limit", "Input should be between 1 and 500");
        }
        FilterRequest f = request.filters();
        EventIndexQueries.Filter filter = new EventIndexQueries.Filter(
                QueryParameters.list(f.eventTypes()),
                QueryParameters.optional(f.aggregateId()),
                QueryParameters.optional(f.userId()),
                QueryParameters.optional(f.correlationId()),
                EventFilters.time("start_time", f.startTime()),
                EventFilters.time("end_time", f.endTime()),
                QueryParameters.optional(f.searchText()),
                null);
        return Mono.fromCallable(() -> index.browse(filter, skip, limit)).subscribeOn(Schedulers.boundedElastic());
    }

    @GetMapping("/stats")
    Mono<EventIndexQueries.Stats> stats(@RequestParam(required = false, defaultValue = "24") String hours) {
        int window = QueryParameters.integer("hours", hours, 1, 168);
        return Mono.fromCallable(() -> index.stats(Duration.ofHours(window), null, Instant.now()))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @GetMapping("/export/{format}")
    ResponseEntity<Flux<String>> export(
            @PathVariable String format,
            @RequestParam(name = "event_types", required = false) List<String> eventTypes,
            @RequestParam(name = "aggregate_id", required = false) String aggregateId,
            @RequestParam(name = "user_id", required = false) String userId,
            @RequestParam(name = "correlation_id", required = false) String correlationId,
            @RequestParam(name = "start_time", required = false) String startTime,
            @RequestParam(name = "end_time", required = false) String endTime,
            @RequestParam(name = "search_text", required = false) String searchText,
            @RequestParam(required = false, defaultValue = "10000") String limit) {
        int max = QueryParameters.integer("limit", limit, 1, MAX_EXPORT);
        EventIndexQueries.Filter filter = new EventIndexQueries.Filter(
                QueryParameters.list(eventTypes),
                QueryParameters.optional(aggregateId),
                QueryParameters.optional(userId),
                QueryParameters.optional(correlationId),
                EventFilters.time("start_time", startTime),
                EventFilters.time("end_time", endTime),
                QueryParameters.optional(searchText),
                null);
        return switch (format) {
            case "csv" ->
                ResponseEntity.ok()
                        .contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"events.csv\"")
                        .body(index.exportCsv(filter, max));
            case "json" ->
                ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"events.json\"")
                        .body(index.exportJson(filter, max));
            default -> throw QueryParameters.invalid("export_format", "Input should be 'csv' or 'json'");
        };
    }

    @GetMapping("/{eventId}")
    Mono<EventIndexQueries.Detail> detail(@PathVariable String eventId) {
        return Mono.fromCallable(() -> index.detail(eventId, null))
                .subscribeOn(Schedulers.boundedElastic())
                .switchIfEmpty(Mono.error(() -> new SandpodException(ErrorCode.NOT_FOUND, "Event not found")));
    }

    @DeleteMapping("/{eventId}")
    Mono<DeleteResponse> hide(
            @PathVariable String eventId,
            @RequestParam(required = false) String reason,
            Caller caller,
            ServerHttpRequest http) {
        return Mono.fromCallable(() -> index.find(eventId, null))
                .subscribeOn(Schedulers.boundedElastic())
                .switchIfEmpty(Mono.error(() -> new SandpodException(ErrorCode.NOT_FOUND, "Event not found")))
                .flatMap(found -> Mono.fromFuture(() -> commands.send(Origin.command(
                        new HideEventCommand(AuditIds.hideOf(eventId), eventId, caller.userId(), reason),
                        caller,
                        http))))
                .then(ReadYourWrites.await(
                        () -> Mono.fromCallable(() -> index.find(eventId, null))
                                .subscribeOn(Schedulers.boundedElastic()),
                        found -> found == null))
                .thenReturn(new DeleteResponse("Event hidden from the event browser", eventId));
    }
}
