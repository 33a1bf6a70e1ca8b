package dev.sandpod.web.audit;

import dev.sandpod.web.apidocs.Addition;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * For the API document only (never built): the shapes the event endpoints write. The handlers answer the
 * records of {@code query.audit.EventIndexQueries} holding events as maps rendered by
 * {@code projections.eventindex.AuditedEvent}; these records say what those maps and records hold, under the
 * contract's names.
 */
public final class EventDocs {

    private EventDocs() {}

    @Schema(
            name = "AuditedEvent",
            description = "One stored event: this envelope, then the event's own fields (its payload, flattened)",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    public record AuditedEvent(
            String eventId,
            @Schema(implementation = EventType.class) String eventType,

            @Schema(description = "The payload's schema version")
            String eventVersion,

            Instant timestamp,
            String aggregateId,

            @Addition @Schema(description = "The aggregate's type (Execution, User, …); null for an event of none")
            String aggregateType,

            @Addition @Schema(description = "The event's position in its aggregate's history")
            Long sequenceNumber,

            AuditedMetadata metadata,

            @Addition
            @Schema(description = "The event's own fields, secrets masked (also flattened beside the envelope)")
            Map<String, Object> payload) {}

    @Schema(name = "AuditedEventMetadata", description = "Who and what caused the event")
    public record AuditedMetadata(
            @Schema(description = "sandpod") String serviceName,
            String serviceVersion,

            @Schema(description = "The user whose request caused it; null for the system's own steps")
            String userId,

            @Schema(allowableValues = "production") String environment,
            @Addition String clientIp,
            @Addition String requestId,

            @Addition @Schema(description = "The id of the request's first message: every event it caused has it")
            String correlationId,

            @Addition @Schema(description = "The message that directly caused this event")
            String causationId) {}

    @Schema(name = "EventBrowseResponse")
    public record BrowseResponse(List<AuditedEvent> events, long total, int skip, int limit) {}

    @Schema(name = "EventTypeCount")
    public record TypeCount(
            @Schema(implementation = EventType.class) String eventType, long count) {}

    @Schema(name = "HourlyEventCount")
    public record HourCount(
            @Schema(description = "The hour (UTC)") String hour, long count) {}

    @Schema(name = "UserEventCount")
    public record UserCount(String userId, long eventCount) {}

    @Schema(name = "EventStatsResponse")
    public record StatsResponse(
            long totalEvents,
            List<TypeCount> eventsByType,
            List<HourCount> eventsByHour,

            @Schema(description = "The ten users with the most events")
            List<UserCount> topUsers,

            @Schema(description = "Failed, timed-out and errored events per event")
            double errorRate,

            @Schema(description = "Mean seconds from request to stored result")
            double avgProcessingTime) {}

    @Schema(name = "EventSummary")
    public record Summary(
            String eventId,
            @Schema(implementation = EventType.class) String eventType,
            Instant timestamp,
            String aggregateId) {}

    @Schema(name = "EventDetailResponse")
    public record DetailResponse(
            AuditedEvent event,

            @Schema(description = "The other events of its correlation, oldest first")
            List<Summary> relatedEvents,

            @Schema(description = "The events of its aggregate, oldest first")
            List<Summary> timeline) {}
}
