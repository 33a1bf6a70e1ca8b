package dev.sandpod.web.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.audit.AuditIds;
import dev.sandpod.api.audit.HideEventCommand;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.audit.EventIndexQueries;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import dev.sandpod.web.support.ReadYourWrites;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Admin: events", description = "Browse, count, export and hide stored events (admins)")
class AdminEventController {

    static final int MAX_EXPORT = 1_000_000;

    private final EventIndexQueries index;
    private final CommandGateway commands;

    AdminEventController(EventIndexQueries index, CommandGateway commands) {
        this.index = index;
        this.commands = commands;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "EventFilter", description = "Empty or null fields do not filter")
    record FilterRequest(
            @Schema(description = "Event types (see EventType); an unknown type matches nothing")
            List<String> eventTypes,

            String aggregateId,
            String userId,
            @Addition String correlationId,
            @Schema(format = "date-time") String startTime,
            @Schema(format = "date-time") String endTime,

            @Schema(description = "Accepted; every event's service is sandpod, so it does not narrow the list")
            String serviceName,

            String searchText) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "EventBrowseRequest")
    record BrowseRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            FilterRequest filters,

            @Schema(minimum = "0", defaultValue = "0") Integer skip,

            @Schema(minimum = "1", maximum = "500", defaultValue = "50")
            Integer limit) {}

    @Schema(name = "EventDeleteResponse")
    record DeleteResponse(String message, String eventId) {}

    @PostMapping("/browse")
    @Operation(summary = "Stored events matching the filters, newest first")
    @ApiResponse(
            responseCode = "200",
            description = "A page of events",
            content = @Content(schema = @Schema(implementation = EventDocs.BrowseResponse.class)))
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
    @Operation(summary = "Counts of the events of the last hours: by type, by hour, top users, error rate")
    @ApiResponse(
            responseCode = "200",
            description = "The statistics",
            content = @Content(schema = @Schema(implementation = EventDocs.StatsResponse.class)))
    Mono<EventIndexQueries.Stats> stats(
            @RequestParam(required = false, defaultValue = "24")
                    @Parameter(
                            description = "Lookback window in hours",
                            schema = @Schema(type = "integer", minimum = "1", maximum = "168"))
                    String hours) {
        int window = QueryParameters.integer("hours", hours, 1, 168);
        return Mono.fromCallable(() -> index.stats(Duration.ofHours(window), null, Instant.now()))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @GetMapping("/export/{format}")
    @Operation(summary = "The matching events as a file: a CSV table or a JSON array, newest first")
    @Parameter(
            name = "service_name",
            in = ParameterIn.QUERY,
            description = "Accepted; every event's service is sandpod, so it does not narrow the export",
            schema = @Schema(type = "string"))
    @ApiResponse(
            responseCode = "200",
            description = "The export, as an attachment",
            content = {
                @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
                @Content(
                        mediaType = "application/json",
                        array = @ArraySchema(schema = @Schema(implementation = EventDocs.AuditedEvent.class)))
            })
    @ApiResponse(responseCode = "422", description = "An unknown format (csv or json), or a bad filter")
    ResponseEntity<Flux<String>> export(
            @PathVariable @Parameter(schema = @Schema(allowableValues = {"csv", "json"})) String format,
            @RequestParam(name = "event_types", required = false)
                    @Parameter(description = "Event types (repeat for several); an unknown type matches nothing")
                    List<String> eventTypes,
            @RequestParam(name = "aggregate_id", required = false) String aggregateId,
            @RequestParam(name = "user_id", required = false) String userId,
            @RequestParam(name = "correlation_id", required = false) String correlationId,
            @RequestParam(name = "start_time", required = false)
                    @Parameter(schema = @Schema(type = "string", format = "date-time"))
                    String startTime,
            @RequestParam(name = "end_time", required = false)
                    @Parameter(schema = @Schema(type = "string", format = "date-time"))
                    String endTime,
            @RequestParam(name = "search_text", required = false) String searchText,
            @RequestParam(required = false, defaultValue = "10000")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "1000000"))
                    String limit) {
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
    @Operation(summary = "One event, with the events of its correlation and its aggregate's timeline")
    @ApiResponse(
            responseCode = "200",
            description = "The event",
            content = @Content(schema = @Schema(implementation = EventDocs.DetailResponse.class)))
    @ApiResponse(responseCode = "404", description = "No such event, or it is hidden")
    Mono<EventIndexQueries.Detail> detail(@PathVariable String eventId) {
        return Mono.fromCallable(() -> index.detail(eventId, null))
                .subscribeOn(Schedulers.boundedElastic())
                .switchIfEmpty(Mono.error(() -> new SandpodException(ErrorCode.NOT_FOUND, "Event not found")));
    }

    @DeleteMapping("/{eventId}")
    @Operation(
            summary = "Hide an event from the browser",
            description = "Recorded as an event of its own; the event store stays append-only")
    @ApiResponse(responseCode = "200", description = "Hidden")
    @ApiResponse(responseCode = "404", description = "No such event, or it is hidden already")
    Mono<DeleteResponse> hide(
            @PathVariable String eventId,
            @RequestParam(required = false) @Parameter(description = "Why (an addition), kept with the record")
                    String reason,
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
