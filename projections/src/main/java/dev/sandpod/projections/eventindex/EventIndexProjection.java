package dev.sandpod.projections.eventindex;

import dev.sandpod.api.audit.EventHiddenEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Every stored event, once, in {@link EventIndexDocument}s: the event store's own documents keep payload
 * and metadata as serialized text, so who caused an event, its correlation and its owner cannot be indexed
 * there. Replayable and idempotent (inserted by event id, so a redelivered event changes nothing; a hide is an event later in the same stream, so a
 * replay hides again). The owner of events that do not name their user (a run's completion) is the owner
 * recorded for their aggregate by its first event.
 */
@Component
@ProcessingGroup(EventIndexProjection.PROCESSING_GROUP)
public class EventIndexProjection {

    public static final String PROCESSING_GROUP = "event-index";
    static final String OWNERS = "event_index_owners";

    private final MongoTemplate mongo;
    private final EventIndexOwners owners;

    EventIndexProjection(MongoTemplate mongo) {
        this.mongo = mongo;
        this.owners = new EventIndexOwners(mongo);
    }

    /** Buffered per batch and written at its last event ({@link EventIndexWrites}). */
    @EventHandler
    void on(Object payload, EventMessage<?> message) {
        EventIndexWrites writes = EventIndexWrites.current(mongo, owners);
        EventIndexDocument doc = document(message, ownerOf(message, writes));
        writes.add(doc);
        if (payload instanceof EventHiddenEvent hidden) {
            writes.hide(hidden, doc.timestamp);
        }
        if (EventIndexWrites.endOfBatch()) {
            writes.flush();
        }
    }

    @jakarta.annotation.PostConstruct
    void declareCounterIndex() {
        EventIndexCounters.ensureIndex(mongo);
    }

    /** The index entry of one event (public for benchmarks and tests that lay down a large index directly). */
    public static EventIndexDocument document(EventMessage<?> message, String ownerId) {
        Map<String, Object> stored = AuditedEvent.stored(message);
        EventIndexDocument doc = new EventIndexDocument();
        doc.eventId = message.getIdentifier();
        doc.type = (String) stored.get("event_type");
        if (message instanceof DomainEventMessage<?> domain) {
            doc.aggregateId = domain.getAggregateIdentifier();
            doc.aggregateType = domain.getType();
            doc.sequence = domain.getSequenceNumber();
        }
        doc.timestamp = message.getTimestamp().truncatedTo(ChronoUnit.MILLIS);
        doc.hour = doc.timestamp.truncatedTo(ChronoUnit.HOURS).toString();
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) stored.get("metadata");
        doc.userId = (String) metadata.get("user_id");
        doc.correlationId = (String) metadata.get("correlation_id");
        doc.ownerId = ownerId;
        doc.error = AuditedEvent.ERROR_TYPES.contains(doc.type);
        doc.processingSeconds = processingSeconds(message.getPayload());
        // The payload (a run's output) is serialized once: the event's JSON ends with it, as "payload" is last.
        String payload = AuditedEvent.json(stored.remove("payload"));
        String head = AuditedEvent.json(stored);
        doc.searchText = payload.toLowerCase();
        doc.eventJson = head.substring(0, head.length() - 1) + ",\"payload\":" + payload + "}";
        return doc;
    }

    private static String ownerOf(EventMessage<?> message, EventIndexWrites writes) {
        if (!(message instanceof DomainEventMessage<?> domain) || domain.getType() == null) {
            return null;
        }
        return writes.ownerOf(domain);
    }

    private static Double processingSeconds(Object payload) {
        for (var component : payload.getClass().getRecordComponents() == null
                ? new java.lang.reflect.RecordComponent[0]
                : payload.getClass().getRecordComponents()) {
            if (component.getType() == ExecutionOutcome.class) {
                try {
                    ExecutionOutcome outcome =
                            (ExecutionOutcome) component.getAccessor().invoke(payload);
                    return outcome == null || outcome.resourceUsage() == null
                            ? null
                            : outcome.resourceUsage().wallSeconds();
                } catch (ReflectiveOperationException e) {
                    return null;
                }
            }
        }
        return null;
    }

    @ResetHandler
    void reset() {
        mongo.remove(new Query(), EventIndexDocument.class);
        mongo.remove(new Query(), OWNERS);
        owners.clear();
        EventIndexCounters.clear(mongo);
    }
}
