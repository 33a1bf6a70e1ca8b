package dev.sandpod.query.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.Revision;
import org.springframework.stereotype.Component;

/**
 * Reads an aggregate's history straight from the event store (the source of truth, not a projection)
 * and renders each event as the API's event shape ({@code StoredEvent} in docs/api/openapi.json): identity, type, version, time, aggregate,
 * metadata (who caused it), and the payload's fields.
 */
@Component
public class EventHistory {

    private final EventStore events;
    private final ObjectMapper json;

    EventHistory(EventStore events, ObjectMapper json) {
        this.events = events;
        this.json = json;
    }

    /** Blocking (the event store reads Mongo): call it off the event loop. */
    public List<Map<String, Object>> of(String aggregateId) {
        List<Map<String, Object>> history = new ArrayList<>();
        events.readEvents(aggregateId).asStream().forEach(message -> history.add(render(message)));
        return history;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> render(DomainEventMessage<?> message) {
        Map<String, Object> event = new LinkedHashMap<>();
        Object payload = message.getPayload();
        event.put("event_id", message.getIdentifier());
        event.put("event_type", EventTypes.of(payload.getClass()));
        Revision revision = payload.getClass().getAnnotation(Revision.class);
        event.put("event_version", revision == null ? "1" : revision.value());
        event.put("timestamp", message.getTimestamp().toString());
        event.put("aggregate_id", message.getAggregateIdentifier());
        event.put("aggregate_type", message.getType());
        event.put("sequence_number", message.getSequenceNumber());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("service_name", "sandpod");
        metadata.put(
                "service_version",
                EventHistory.class.getPackage().getImplementationVersion() == null
                        ? "dev"
                        : EventHistory.class.getPackage().getImplementationVersion());
        metadata.put("user_id", message.getMetaData().get("userId"));
        metadata.put("client_ip", message.getMetaData().get("clientIp"));
        if (message.getMetaData().get("tokenId") != null) {
            // the personal access token the request came with (its id; the secret is never stored)
            metadata.put("token_id", message.getMetaData().get("tokenId"));
        }
        metadata.put("request_id", message.getMetaData().get("requestId"));
        metadata.put("correlation_id", message.getMetaData().get("correlationId"));
        // W3C trace context Axon stored with the event (00-<trace id>-<span id>-<flags>): the run's trace.
        Object traceparent = message.getMetaData().get("traceparent");
        String[] trace = traceparent instanceof String value ? value.split("-") : new String[0];
        metadata.put("trace_id", trace.length == 4 ? trace[1] : null);
        metadata.put("span_id", trace.length == 4 ? trace[2] : null);
        event.put("metadata", metadata);
        Map<String, Object> fields = json.convertValue(payload, Map.class);
        Object outcome = fields.remove("outcome");
        fields.forEach(event::putIfAbsent);
        if (outcome instanceof Map<?, ?> nested) {
            ((Map<String, Object>) nested).forEach(event::putIfAbsent);
        }
        return event;
    }
}
