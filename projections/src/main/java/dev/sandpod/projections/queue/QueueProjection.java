package dev.sandpod.projections.queue;

import dev.sandpod.api.queue.ExecutionEnqueuedEvent;
import dev.sandpod.api.queue.ExecutionReprioritizedEvent;
import dev.sandpod.api.queue.ExecutionSlotGrantedEvent;
import dev.sandpod.api.queue.ExecutionSlotReleasedEvent;
import dev.sandpod.api.queue.QueueStatusView;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/** What waits and what runs, for the admin queue view. One document per execution in the queue. */
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
    void on(ExecutionEnqueuedEvent event) {
        mongo.save(
                new Document("_id", event.executionId())
                        .append("state", WAITING)
                        .append("priority", event.priority().wireName()),
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
    void on(ExecutionSlotGrantedEvent event) {
        mongo.updateFirst(
                Query.query(Criteria.where("_id").is(event.executionId())), Update.update("state", ACTIVE), COLLECTION);
    }

    @EventHandler
    void on(ExecutionSlotReleasedEvent event) {
        mongo.remove(Query.query(Criteria.where("_id").is(event.executionId())), COLLECTION);
    }

    @ResetHandler
    void reset() {
        mongo.dropCollection(COLLECTION);
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
