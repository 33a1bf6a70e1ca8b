package dev.sandpod.projections.queue;

import dev.sandpod.api.queue.ExecutionEnqueuedEvent;
import dev.sandpod.api.queue.ExecutionReprioritizedEvent;
import dev.sandpod.api.queue.ExecutionSlotGrantedEvent;
import dev.sandpod.api.queue.ExecutionSlotReleasedEvent;
import dev.sandpod.api.queue.QueueStatusView;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * What waits and what runs, for the admin queue view and the queue's reconciliation
 * ({@code app.processors.QueueReconciler}). One document per execution in the queue, with the time it took its
 * current state ({@code since}).
 */
@Component
@ProcessingGroup("dispatch-queue")
public class QueueProjection {

    static final String COLLECTION = "queue_entries";
    private static final String WAITING = "waiting";
    private static final String ACTIVE = "active";

    private final MongoTemplate mongo;

    QueueProjection(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventHandler
    void on(ExecutionEnqueuedEvent event, @Timestamp Instant at) {
        mongo.save(
                new Document("_id", event.executionId())
                        .append("state", WAITING)
                        .append("priority", event.priority().wireName())
                        .append("since", at),
                COLLECTION);
    }

    @EventHandler
    void on(ExecutionReprioritizedEvent event) {
        mongo.updateFirst(
                Query.query(Criteria.where("_id").is(event.executionId())),
                Update.update("priority", event.priority().wireName()),
                COLLECTION);
    }

    @EventHandler
    void on(ExecutionSlotGrantedEvent event, @Timestamp Instant at) {
        mongo.updateFirst(
                Query.query(Criteria.where("_id").is(event.executionId())),
                Update.update("state", ACTIVE).set("since", at),
                COLLECTION);
    }

    @EventHandler
    void on(ExecutionSlotReleasedEvent event) {
        mongo.remove(Query.query(Criteria.where("_id").is(event.executionId())), COLLECTION);
    }

    @ResetHandler
    void reset() {
        mongo.dropCollection(COLLECTION);
    }

    /** One execution's place in the queue: {@code active} (holds a slot) or waiting, since when. */
    public record Entry(String executionId, boolean active, Instant since) {}

    /** The entries of these executions that are in the queue (the others are not). */
    public Map<String, Entry> entries(Collection<String> executionIds) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Document doc :
                mongo.find(Query.query(Criteria.where("_id").in(executionIds)), Document.class, COLLECTION)) {
            Entry entry = entry(doc);
            entries.put(entry.executionId(), entry);
        }
        return entries;
    }

    /** The executions holding a slot since before {@code before} (entries of older versions have no time). */
    public List<Entry> activeSince(Instant before) {
        return mongo
                .find(
                        Query.query(Criteria.where("state")
                                .is(ACTIVE)
                                .orOperator(
                                        Criteria.where("since").lt(before),
                                        Criteria.where("since").exists(false))),
                        Document.class,
                        COLLECTION)
                .stream()
                .map(QueueProjection::entry)
                .toList();
    }

    private static Entry entry(Document doc) {
        Object since = doc.get("since");
        return new Entry(
                doc.getString("_id"),
                ACTIVE.equals(doc.getString("state")),
                since instanceof java.util.Date date ? date.toInstant() : null);
    }

    public QueueStatusView status() {
        long depth = 0;
        long active = 0;
        Map<String, Long> byPriority = new LinkedHashMap<>();
        for (String p : new String[] {"critical", "high", "normal", "low", "background"}) {
            byPriority.put(p, 0L);
        }
        for (Document entry : mongo.findAll(Document.class, COLLECTION)) {
            if (ACTIVE.equals(entry.getString("state"))) {
                active++;
            } else {
                depth++;
                byPriority.merge(entry.getString("priority"), 1L, Long::sum);
            }
        }
        return new QueueStatusView(depth, active, byPriority);
    }
}
