package dev.sandpod.projections.notification;

import dev.sandpod.api.notification.DeliveryOutcome;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationCreatedEvent;
import dev.sandpod.api.notification.NotificationDeletedEvent;
import dev.sandpod.api.notification.NotificationDeliveredEvent;
import dev.sandpod.api.notification.NotificationDeliveryAttemptedEvent;
import dev.sandpod.api.notification.NotificationDeliveryFailedEvent;
import dev.sandpod.api.notification.NotificationDeliveryRequestedEvent;
import dev.sandpod.api.notification.NotificationReadEvent;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.projections.ReadModelReset;
import dev.sandpod.projections.live.LiveUpdates;
import dev.sandpod.projections.notification.NotificationDocument.AttemptDocument;
import dev.sandpod.projections.notification.NotificationDocument.DeliveryDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.function.Consumer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * The inbox read model with the delivery records, and the live push of each new in-app notification to its
 * owner's open streams. Guarded by sequence number (redelivered events change nothing); nothing is pushed
 * while replaying, so a rebuild never re-sends.
 */
@Component
@ProcessingGroup(NotificationProjection.PROCESSING_GROUP)
class NotificationProjection {

    static final String PROCESSING_GROUP = "notifications";

    private final MongoTemplate mongo;
    private final LiveUpdates live;

    NotificationProjection(MongoTemplate mongo, LiveUpdates live) {
        this.mongo = mongo;
        this.live = live;
    }

    @EventHandler
    void on(NotificationCreatedEvent event, @SequenceNumber long sequence, @Timestamp Instant at, ReplayStatus replay) {
        NotificationDocument doc = mongo.findById(event.notificationId(), NotificationDocument.class);
        if (doc != null && doc.revision >= sequence) {
            return;
        }
        doc = new NotificationDocument();
        doc.notificationId = event.notificationId();
        doc.userId = event.userId();
        doc.channel = event.channel();
        doc.status = event.status();
        doc.subject = event.subject();
        doc.body = event.body();
        doc.actionUrl = event.actionUrl();
        doc.severity = event.severity();
        doc.tags = event.tags() == null ? new ArrayList<>() : new ArrayList<>(event.tags());
        doc.source = event.source();
        doc.createdAt = event.occurredAt() != null ? event.occurredAt() : at;
        doc.storedAt = at;
        doc.revision = sequence;
        mongo.save(doc);
        if (!replay.isReplay()
                && doc.channel == NotificationChannel.IN_APP
                && doc.status == NotificationStatus.DELIVERED) {
            live.notification(doc.toView());
        }
    }

    @EventHandler
    void on(NotificationDeliveryRequestedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.notificationId(), sequence, doc -> {
            DeliveryDocument delivery = new DeliveryDocument();
            delivery.deliveryId = event.deliveryId();
            delivery.channel = event.channel();
            delivery.target = event.target();
            delivery.status = NotificationStatus.SENDING;
            delivery.requestedAt = at;
            doc.deliveries.add(delivery);
        });
    }

    @EventHandler
    void on(NotificationDeliveryAttemptedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.notificationId(), sequence, doc -> {
            DeliveryDocument delivery = doc.delivery(event.deliveryId());
            if (delivery == null) {
                return;
            }
            AttemptDocument attempt = new AttemptDocument();
            attempt.attempt = event.attempt();
            attempt.at = at;
            attempt.outcome = event.outcome();
            attempt.statusCode = event.statusCode();
            attempt.error = event.error();
            delivery.attempts.add(attempt);
            delivery.lastError = event.outcome() == DeliveryOutcome.DELIVERED ? delivery.lastError : event.error();
            delivery.nextAttemptAt =
                    event.outcome() == DeliveryOutcome.RETRYING ? at.plusMillis(event.retryAfterMillis()) : null;
        });
    }

    @EventHandler
    void on(NotificationDeliveredEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.notificationId(), sequence, doc -> {
            DeliveryDocument delivery = doc.delivery(event.deliveryId());
            if (delivery != null) {
                delivery.status = NotificationStatus.DELIVERED;
                delivery.deliveredAt = at;
                delivery.nextAttemptAt = null;
            }
            if (doc.channel == event.channel() && doc.readAt == null) {
                doc.status = NotificationStatus.DELIVERED;
            }
        });
    }

    @EventHandler
    void on(NotificationDeliveryFailedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.notificationId(), sequence, doc -> {
            DeliveryDocument delivery = doc.delivery(event.deliveryId());
            if (delivery != null) {
                delivery.status = NotificationStatus.FAILED;
                delivery.failedAt = at;
                delivery.nextAttemptAt = null;
                delivery.lastError = event.error();
            }
            if (doc.channel == event.channel() && doc.readAt == null) {
                doc.status = NotificationStatus.FAILED;
            }
        });
    }

    @EventHandler
    void on(NotificationReadEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.notificationId(), sequence, doc -> {
            doc.readAt = at;
            doc.status = NotificationStatus.READ;
        });
    }

    @EventHandler
    void on(NotificationDeletedEvent event) {
        mongo.remove(Query.query(Criteria.where("_id").is(event.notificationId())), NotificationDocument.class);
    }

    @ResetHandler
    void reset() {
        ReadModelReset.dropAndReindex(mongo, NotificationDocument.class);
    }

    private void change(String notificationId, long sequence, Consumer<NotificationDocument> change) {
        NotificationDocument doc = mongo.findById(notificationId, NotificationDocument.class);
        if (doc == null || doc.revision >= sequence) {
            return;
        }
        change.accept(doc);
        doc.revision = sequence;
        mongo.save(doc);
    }
}
