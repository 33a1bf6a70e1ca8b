package dev.sandpod.projections.eventindex;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import dev.sandpod.api.audit.EventHiddenEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.bson.Document;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The writes of {@link EventIndexProjection} for one batch of events (one unit of work of the pooled processor),
 * made the way {@code execution/ExecutionWrites} makes the executions': kept here while the batch's events are
 * handled and written when its last event has been (the processor stores the batch's token in the first
 * prepare-commit handler, so the data must be written before; a prepare-commit flush writes whatever a failed last
 * event left). Per batch: the owners its first events name (one bulk), its entries (one unordered bulk of inserts),
 * and the per-hour counters of the entries that were new (one bulk of {@code $inc}, summed per hour and key); the
 * owners its other events take are read in one query when it starts, or come from {@link EventIndexOwners}. Per
 * event this was an upsert of the entry, one of its counters, and a read or a write of its owner.
 *
 * <p>Idempotent: an entry is inserted, so a redelivered event (the index has its entry already, or the batch has)
 * changes nothing and is not counted again; a hide uncounts only the entry it turned from visible to hidden.
 * Outside a batch every event is written at once.
 */
final class EventIndexWrites {

    private static final String RESOURCE = EventIndexWrites.class.getName();
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    /** MongoDB's code of a duplicate key (the embedded server answers the same). */
    private static final int DUPLICATE_KEY = 11000;

    private final MongoTemplate mongo;
    private final EventIndexOwners owners;
    /** The owners of this batch's aggregates as far as read or named here; empty: the aggregate has none. */
    private final Map<String, Optional<String>> batchOwners = new HashMap<>();

    private final Map<String, String> newOwners = new LinkedHashMap<>();
    private final Map<String, EventIndexDocument> entries = new LinkedHashMap<>();
    /** Entries written by this batch already (before a hide): a second delivery in the batch is no new entry. */
    private final Set<String> written = new HashSet<>();

    private final Map<String, EventIndexCounters.Counter> counters = new LinkedHashMap<>();

    private EventIndexWrites(MongoTemplate mongo, EventIndexOwners owners) {
        this.mongo = mongo;
        this.owners = owners;
    }

    /**
     * The writes of the current batch, with the owners its events will ask for read in one query when it starts.
     * Without a batch of several events (a single event's unit of work, or none): a fresh one.
     */
    static EventIndexWrites current(MongoTemplate mongo, EventIndexOwners owners) {
        if (!CurrentUnitOfWork.isStarted()
                || !(CurrentUnitOfWork.get() instanceof BatchingUnitOfWork<?> batch)
                || batch.getMessages().size() < 2) {
            return new EventIndexWrites(mongo, owners);
        }
        return batch.getOrComputeResource(RESOURCE, key -> {
            EventIndexWrites writes = new EventIndexWrites(mongo, owners);
            writes.prefetchOwners(batch.getMessages());
            batch.onPrepareCommit(unitOfWork -> writes.flush());
            return writes;
        });
    }

    /** Whether the event being handled ends its batch: the last event of a batch, or any outside of one. */
    static boolean endOfBatch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return true;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
        return !(unitOfWork instanceof BatchingUnitOfWork<?> batch) || batch.isLastMessage();
    }

    /** The user an event's aggregate belongs to by the event itself, if it says ({@link AuditedEvent#userNamedBy}). */
    static String namedOwner(DomainEventMessage<?> event) {
        return "UserAccount".equals(event.getType())
                ? event.getAggregateIdentifier()
                : AuditedEvent.userNamedBy(event.getPayload());
    }

    private void prefetchOwners(List<? extends Message<?>> messages) {
        Set<String> unknown = new LinkedHashSet<>();
        Set<String> namedHere = new HashSet<>();
        for (Message<?> message : messages) {
            if (!(message instanceof DomainEventMessage<?> event) || event.getType() == null) {
                continue;
            }
            String id = event.getAggregateIdentifier();
            if (namedOwner(event) != null) {
                if (event.getSequenceNumber() == 0) {
                    namedHere.add(id);
                }
            } else if (!namedHere.contains(id) && owners.cached(id) == null) {
                unknown.add(id);
            }
        }
        batchOwners.putAll(owners.load(unknown));
    }

    /**
     * The owner of the event's aggregate (null for events of no aggregate, and for aggregates of no user); the
     * first event of an aggregate that names its user records it.
     */
    String ownerOf(DomainEventMessage<?> event) {
        String id = event.getAggregateIdentifier();
        String named = namedOwner(event);
        if (named != null) {
            if (event.getSequenceNumber() == 0) {
                newOwners.put(id, named);
                batchOwners.put(id, Optional.of(named));
                owners.remember(id, named);
            }
            return named;
        }
        Optional<String> owner = batchOwners.get(id);
        if (owner == null) {
            owner = owners.cached(id);
        }
        if (owner == null) {
            owner = owners.load(List.of(id)).get(id);
            batchOwners.put(id, owner);
        }
        return owner.orElse(null);
    }

    void add(EventIndexDocument entry) {
        if (!written.contains(entry.eventId)) {
            entries.putIfAbsent(entry.eventId, entry);
        }
    }

    /**
     * Hides the event's entry (written first if it is this batch's) and uncounts it, if it was visible. The hidden
     * event may belong to an aggregate that another segment of the processor handles: in a rebuild the two
     * segments run apart, and the hide can come before its entry is written. It then leaves the entry's place
     * hidden (an entry of only {@code _id} and the hide's fields, counted nowhere), and the entry, when it comes,
     * fills it in and stays hidden and uncounted ({@link #fillHiddenPlaces}). One atomic write either way.
     */
    void hide(EventHiddenEvent hidden, Instant at) {
        writeEntries();
        EventIndexDocument was = mongo.findAndModify(
                Query.query(Criteria.where("_id").is(hidden.eventId())),
                new Update()
                        .set("hidden", true)
                        .set("hiddenBy", hidden.hiddenBy())
                        .set("hiddenAt", at),
                FindAndModifyOptions.options().upsert(true),
                EventIndexDocument.class);
        if (was != null && !was.hidden && was.type != null) {
            EventIndexCounters.accumulate(counters, was, -1);
        }
    }

    /** Writes what the batch has buffered: owners, entries, then the counters of the new entries. */
    void flush() {
        try {
            writeEntries();
        } finally {
            Map<String, EventIndexCounters.Counter> toWrite = new LinkedHashMap<>(counters);
            counters.clear();
            EventIndexCounters.write(mongo, toWrite);
        }
    }

    private void writeEntries() {
        if (!newOwners.isEmpty()) {
            List<WriteModel<Document>> models = new ArrayList<>(newOwners.size());
            newOwners.forEach((id, owner) -> models.add(new ReplaceOneModel<>(
                    Filters.eq("_id", id), new Document("_id", id).append("ownerId", owner), UPSERT)));
            newOwners.clear();
            mongo.getCollection(EventIndexProjection.OWNERS).bulkWrite(models, UNORDERED);
        }
        if (entries.isEmpty()) {
            return;
        }
        List<EventIndexDocument> batch = new ArrayList<>(entries.values());
        entries.clear();
        List<WriteModel<Document>> inserts = new ArrayList<>(batch.size());
        batch.forEach(entry -> {
            inserts.add(new InsertOneModel<>(stored(entry)));
            written.add(entry.eventId);
        });
        Set<Integer> notInserted = new HashSet<>();
        MongoBulkWriteException failure = null;
        try {
            mongo.getCollection(EventIndexDocument.COLLECTION).bulkWrite(inserts, UNORDERED);
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw e;
            }
            for (BulkWriteError error : e.getWriteErrors()) {
                notInserted.add(error.getIndex());
                if (error.getCode() != DUPLICATE_KEY) {
                    failure = e;
                }
            }
        }
        // Only a new entry is counted: a redelivered event's insert finds its entry and counts nothing.
        List<EventIndexDocument> found = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!notInserted.contains(i)) {
                EventIndexCounters.accumulate(counters, batch.get(i), 1);
            } else {
                found.add(batch.get(i));
            }
        }
        if (failure != null) {
            throw failure;
        }
        fillHiddenPlaces(found);
    }

    /**
     * Entries whose insert found their {@code _id} taken: a redelivery (the entry is complete: nothing to do) or
     * the place a hide left before the entry came ({@link #hide}: no {@code type} yet), which the entry fills in
     * without making it visible or counting it. Rare: only redeliveries and a rebuild's hides that overtook.
     */
    private void fillHiddenPlaces(List<EventIndexDocument> found) {
        if (found.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> fills = new ArrayList<>(found.size());
        for (EventIndexDocument entry : found) {
            Document fields = stored(entry);
            fields.remove("_id");
            fields.remove("hidden");
            fills.add(new UpdateOneModel<>(
                    Filters.and(Filters.eq("_id", entry.eventId), Filters.exists("type", false)),
                    new Document("$set", fields)));
        }
        mongo.getCollection(EventIndexDocument.COLLECTION).bulkWrite(fills, UNORDERED);
    }

    /**
     * The entry as the store keeps it: what the template's converter writes of an {@link EventIndexDocument}
     * without its class name (null fields left out, times as dates), visible.
     */
    static Document stored(EventIndexDocument entry) {
        Document document = new Document("_id", entry.eventId);
        putIfPresent(document, "type", entry.type);
        putIfPresent(document, "aggregateId", entry.aggregateId);
        putIfPresent(document, "aggregateType", entry.aggregateType);
        document.put("sequence", entry.sequence);
        putIfPresent(document, "timestamp", entry.timestamp == null ? null : Date.from(entry.timestamp));
        putIfPresent(document, "hour", entry.hour);
        putIfPresent(document, "userId", entry.userId);
        putIfPresent(document, "ownerId", entry.ownerId);
        putIfPresent(document, "correlationId", entry.correlationId);
        document.put("error", entry.error);
        putIfPresent(document, "processingSeconds", entry.processingSeconds);
        putIfPresent(document, "searchText", entry.searchText);
        putIfPresent(document, "eventJson", entry.eventJson);
        document.put("hidden", false);
        return document;
    }

    private static void putIfPresent(Document document, String key, Object value) {
        if (value != null) {
            document.put(key, value);
        }
    }
}
