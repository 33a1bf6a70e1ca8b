package dev.sandpod.projections.notification;

import dev.sandpod.api.notification.NotificationSubscriptionUpdatedEvent;
import dev.sandpod.projections.ReadModelReset;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/** Channel subscriptions; in the notifications processing group, as part of the same bounded context. */
@Component
@ProcessingGroup(NotificationProjection.PROCESSING_GROUP)
class SubscriptionProjection {

    private final MongoTemplate mongo;

    SubscriptionProjection(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventHandler
    void on(NotificationSubscriptionUpdatedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        String id = SubscriptionDocument.idOf(event.userId(), event.channel());
        SubscriptionDocument doc = mongo.findById(id, SubscriptionDocument.class);
        if (doc == null) {
            doc = new SubscriptionDocument();
            doc.id = id;
            doc.userId = event.userId();
            doc.channel = event.channel();
            doc.createdAt = at;
        } else if (doc.revision >= sequence) {
            return;
        }
        doc.subscription = event.subscription();
        doc.updatedAt = at;
        doc.revision = sequence;
        mongo.save(doc);
    }

    @ResetHandler
    void reset() {
        ReadModelReset.dropAndReindex(mongo, SubscriptionDocument.class);
    }
}
