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
import org.bson.Document;
import org.springframework.data.mongodb.core.FindAndReplaceOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Every stored event, once, in {@link EventIndexDocument}s: the event store's own documents keep payload
 * and metadata as serialized text, so who caused an event, its correlation and its owner cannot be indexed
 * there. Replayable and idempotent (upserts by event id; a hide is an event later in the same stream, so a
 * replay hides again). The owner of events that do not name their user (a run's completion) is the owner
 * recorded for their aggregate by its first event.
 */
@Component
@ProcessingGroup(EventIndexProjection.PROCESSING_GROUP)
public class EventIndexProjection {

    public static final String PROCESSING_GROUP = "event-index";
    static final String OWNERS = "event_index_owners";

    private final MongoTemplate mongo;

    EventIndexProjection(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventHandler
    void on(Object payload, EventMessage<?> message) {
        EventIndexDocument doc = document(message, ownerOf(message));
        Update update = new Update();
        Document fields = new Document();
        mongo.getConverter().write(doc, fields);
        fields.remove("_id");
        fields.remove("hidden");
        fields.remove("hiddenBy");
        fields.remove("hiddenAt");
        fields.remove("_class");
        fields.forEach(update::set);
        update.setOnInsert("hidden", false);
        var written =
                mongo.upsert(Query.query(Criteria.where("_id").is(doc.eventId)), update, EventIndexDocument.class);
        if (written.getUpsertedId() != null) {
            // first time this event is indexed: count it (a redelivery finds the entry and counts nothing)
            EventIndexCounters.add(mongo, doc, 1);
        }
        if (payload instanceof EventHiddenEvent hidden) {
            EventIndexDocument was = mongo.findAndModify(
                    Query.query(Criteria.where("_id")
                            .is(hidden.eventId())
                            .and("hidden")
                            .is(false)),
                    new Update()
                            .set("hidden", true)
                            .set("hiddenBy", hidden.hiddenBy())
                            .set("hiddenAt", doc.timestamp),
                    EventIndexDocument.class);
            if (was != null) {
                EventIndexCounters.add(mongo, was, -1);
            }
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
        doc.searchText = AuditedEvent.json(stored.get("payload")).toLowerCase();
        doc.eventJson = AuditedEvent.json(stored);
        return doc;
    }

    private String ownerOf(EventMessage<?> message) {
        if (!(message instanceof DomainEventMessage<?> domain) || domain.getType() == null) {
            return null;
        }
        String aggregateId = domain.getAggregateIdentifier();
        String named = AuditedEvent.userNamedBy(message.getPayload());
        if ("UserAccount".equals(domain.getType())) {
            named = aggregateId;
        }
        if (named != null) {
            if (domain.getSequenceNumber() == 0) {
                mongo.findAndReplace(
                        Query.query(Criteria.where("_id").is(aggregateId)),
                        new Document("_id", aggregateId).append("ownerId", named),
                        FindAndReplaceOptions.options().upsert(),
                        Document.class,
                        OWNERS);
            }
            return named;
        }
        Document owner = mongo.findById(aggregateId, Document.class, OWNERS);
        return owner == null ? null : owner.getString("ownerId");
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
        EventIndexCounters.clear(mongo);
    }
}
