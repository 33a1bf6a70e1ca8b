package dev.sandpod.projections.execution;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * The writes of {@link ExecutionProjection} for one batch of events (one unit of work of a streaming processor):
 * the execution documents the batch touches, read once (all of the batch's executions in one {@code $in} query
 * when the batch starts) and kept here while its events change them, and the frames it adds; all of them written
 * in one bulk write per collection when the batch's last event has been applied.
 *
 * <p>Per event this was a {@code findById}, a {@code save} of the execution and a {@code save} of the frame: three
 * round trips to the store, which bounded a rebuild of the executions read model to about a thousand events a
 * second and a catch-up to a few hundred (bench/operations). Per batch of up to
 * {@code sandpod.axon.processor-batch-size} events it is now one read and two bulk writes.
 *
 * <p>Why the flush is in the handler of the batch's last event and not in a unit-of-work phase: the pooled
 * streaming processor stores the batch's token in the first prepare-commit handler of the unit of work, before any
 * handler registered later, so a flush there would leave the token ahead of the data for a moment (and for good,
 * if the process died in between). The one case where the last event does not reach the projection (its
 * execution's sequence is parked in the dead-letter queue, so Axon parks the event without handling it) is caught
 * by a prepare-commit flush, which writes whatever is still buffered.
 *
 * <p>Outside a batch (a dead letter retried, tests calling the handlers) every change is written at once: each
 * event is a batch of one.
 *
 * <p>The documents are written exactly as {@code MongoTemplate.save} writes them (the template's converter, then
 * a replace with upsert by {@code _id}), so a rebuilt document equals the one the live path wrote.
 */
final class ExecutionWrites {

    private static final String RESOURCE = ExecutionWrites.class.getName();
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    /** MongoDB's code of a duplicate key (the embedded server answers the same). */
    private static final int DUPLICATE_KEY = 11000;

    private final MongoTemplate mongo;
    /** Documents read or written in this batch by id; a null value: the read model has no such execution. */
    private final Map<String, ExecutionDocument> documents = new HashMap<>();

    /** Executions the read model had when this batch read them: written back only over an older state. */
    private final Set<String> existing = new HashSet<>();

    private final Set<String> changed = new LinkedHashSet<>();
    private final Map<String, ExecutionFrameDocument> frames = new LinkedHashMap<>();

    private ExecutionWrites(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * The writes of the current batch: kept in the batch's unit of work, with every execution of the batch read
     * in one query when it starts. Without a batch (a single event's unit of work, or none): a fresh one.
     */
    static ExecutionWrites current(MongoTemplate mongo, AtomicLong flushed) {
        if (!CurrentUnitOfWork.isStarted()
                || !(CurrentUnitOfWork.get() instanceof BatchingUnitOfWork<?> batch)
                || batch.getMessages().size() < 2) {
            return new ExecutionWrites(mongo);
        }
        return batch.getOrComputeResource(RESOURCE, key -> {
            ExecutionWrites writes = new ExecutionWrites(mongo);
            writes.prefetch(aggregateIds(batch.getMessages()));
            batch.onPrepareCommit(unitOfWork -> {
                if (writes.flush()) {
                    flushed.incrementAndGet();
                }
            });
            return writes;
        });
    }

    /**
     * Whether the event being handled ends its batch, i.e. this is the moment to write: the last event of a
     * batch, or any event handled outside of one.
     */
    static boolean endOfBatch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return true;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
        return !(unitOfWork instanceof BatchingUnitOfWork<?> batch) || batch.isLastMessage();
    }

    private static Set<String> aggregateIds(List<? extends Message<?>> messages) {
        Set<String> ids = new LinkedHashSet<>();
        for (Message<?> message : messages) {
            if (message instanceof DomainEventMessage<?> event && event.getAggregateIdentifier() != null) {
                ids.add(event.getAggregateIdentifier());
            }
        }
        return ids;
    }

    /** Reads the given executions in one query; the ones the read model does not have are remembered as absent. */
    private void prefetch(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        for (ExecutionDocument doc :
                mongo.find(Query.query(Criteria.where("_id").in(ids)), ExecutionDocument.class)) {
            documents.put(doc.executionId, doc);
            existing.add(doc.executionId);
        }
        for (String id : ids) {
            documents.putIfAbsent(id, null);
        }
    }

    /** The execution as this batch sees it (with its earlier events applied); null if there is none. */
    ExecutionDocument find(String executionId) {
        if (documents.containsKey(executionId)) {
            return documents.get(executionId);
        }
        ExecutionDocument doc = mongo.findById(executionId, ExecutionDocument.class);
        documents.put(executionId, doc);
        if (doc != null) {
            existing.add(executionId);
        }
        return doc;
    }

    /**
     * The execution as the read model will hold it once written (a copy read back through the converter: the
     * store keeps instants to the millisecond), as a reader of the store would see it; null if there is none.
     */
    ExecutionDocument asStored(String executionId) {
        ExecutionDocument doc = find(executionId);
        if (doc == null) {
            return null;
        }
        Document document = new Document();
        mongo.getConverter().write(doc, document);
        return mongo.getConverter().read(ExecutionDocument.class, document);
    }

    void save(ExecutionDocument doc) {
        documents.put(doc.executionId, doc);
        changed.add(doc.executionId);
    }

    void save(ExecutionFrameDocument frame) {
        frames.put(frame.eventId, frame);
    }

    /** Writes what is buffered of the execution first, then forgets it (before its documents are removed). */
    void evict(String executionId) {
        flush();
        documents.remove(executionId);
    }

    /** Writes every changed execution and every new frame: one bulk write per collection; false if none. */
    boolean flush() {
        List<WriteModel<Document>> executions = new ArrayList<>(changed.size());
        for (String id : changed) {
            ExecutionDocument doc = documents.get(id);
            executions.add(
                    existing.contains(id) ? replaceOlder(doc, doc.lastSequence) : replace(doc, Filters.eq("_id", id)));
        }
        List<WriteModel<Document>> newFrames = new ArrayList<>(frames.size());
        for (ExecutionFrameDocument frame : frames.values()) {
            Document document = new Document();
            mongo.getConverter().write(frame, document);
            newFrames.add(new InsertOneModel<>(document));
        }
        changed.clear();
        frames.clear();
        write(ExecutionDocument.class, executions);
        insertUnlessPresent(ExecutionFrameDocument.class, newFrames);
        return !executions.isEmpty() || !newFrames.isEmpty();
    }

    /**
     * Inserts documents that never change once written (a frame is made from its event alone): one the collection
     * already holds (a redelivered event's) stays as it is, the others are inserted all the same. An insert costs the
     * store less than an upsert, which looks the {@code _id} up first and then inserts (bench/operations).
     */
    private void insertUnlessPresent(Class<?> type, List<WriteModel<Document>> models) {
        if (models.isEmpty()) {
            return;
        }
        MongoCollection<Document> collection = mongo.getCollection(mongo.getCollectionName(type));
        try {
            collection.bulkWrite(models, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw e;
            }
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCode() != DUPLICATE_KEY) {
                    throw e;
                }
            }
        }
    }

    private ReplaceOneModel<Document> replace(Object entity, Bson filter) {
        Document document = new Document();
        mongo.getConverter().write(entity, document);
        return new ReplaceOneModel<>(filter, document, UPSERT);
    }

    /**
     * An execution the read model already has, replaced only while what it holds is not newer: the result fast path
     * ({@link ResultFastPath}) writes a run's final state as the result is committed, and a batch that read the
     * execution before that must not put an older state back over it. No upsert: a newer document stays as it is.
     */
    private ReplaceOneModel<Document> replaceOlder(ExecutionDocument doc, long upToSequence) {
        return replaceOlder(mongo, doc, upToSequence);
    }

    /** The document replaced only where the stored one's {@code lastSequence} is at most {@code upToSequence}. */
    static ReplaceOneModel<Document> replaceOlder(MongoTemplate mongo, ExecutionDocument doc, long upToSequence) {
        Document document = new Document();
        mongo.getConverter().write(doc, document);
        return new ReplaceOneModel<>(
                Filters.and(Filters.eq("_id", doc.executionId), Filters.not(Filters.gt("lastSequence", upToSequence))),
                document,
                new ReplaceOptions().upsert(false));
    }

    /**
     * One bulk write; if it fails, each document on its own, so that one bad document does not take the batch's
     * others with it. What still fails is thrown (and fails the event being handled).
     */
    private void write(Class<?> type, List<WriteModel<Document>> models) {
        if (models.isEmpty()) {
            return;
        }
        MongoCollection<Document> collection = mongo.getCollection(mongo.getCollectionName(type));
        try {
            collection.bulkWrite(models);
        } catch (MongoException bulkFailure) {
            MongoException first = null;
            for (WriteModel<Document> model : models) {
                try {
                    collection.bulkWrite(List.of(model));
                } catch (MongoException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }
}
