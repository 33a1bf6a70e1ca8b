package dev.sandpod.web.execution;

import dev.sandpod.web.apidocs.Addition;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * The API document's description of one event of {@code GET /executions/{id}/events} (the controller answers
 * the maps {@code query.history.EventHistory} renders; this record is never built): the envelope every
 * event has, then the event's own fields.
 */
@Schema(
        name = "StoredEvent",
        description = "One event as the event store keeps it: this envelope, then the event's own fields (its "
                + "payload, e.g. execution_id, script, exit_code, stdout)",
        additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
public record StoredEvent(
        String eventId,

        @Schema(
                allowableValues = {
                    "execution_requested",
                    "execution_queued",
                    "execution_scheduled",
                    "execution_started",
                    "execution_running",
                    "execution_completed",
                    "execution_failed",
                    "execution_timeout",
                    "execution_cancelled",
                    "execution_error",
                    "result_stored",
                    "execution_priority_changed",
                    "execution_deleted"
                })
        @Addition(
                values = {"execution_scheduled", "execution_error", "execution_priority_changed", "execution_deleted"})
        String eventType,

        @Schema(description = "The payload's schema version")
        String eventVersion,

        Instant timestamp,
        String aggregateId,

        @Addition @Schema(description = "The aggregate's type: Execution")
        String aggregateType,

        @Addition @Schema(description = "The event's position in its aggregate's history")
        long sequenceNumber,

        Metadata metadata) {

    @Schema(name = "EventMetadata", description = "Who and what caused the event")
    public record Metadata(
            @Schema(description = "sandpod") String serviceName,
            String serviceVersion,

            @Schema(description = "The user whose request caused it; null for the system's own steps")
            String userId,

            @Addition String clientIp,
            @Addition String requestId,
            @Addition String correlationId,

            @Addition @Schema(description = "W3C trace id of the run's trace (null when it was not traced)")
            String traceId,

            @Addition @Schema(description = "The span that stored the event (null when it was not traced)")
            String spanId) {}
}
