package dev.sandpod.projections.notification;

import dev.sandpod.api.notification.DeliveryAttemptView;
import dev.sandpod.api.notification.DeliveryOutcome;
import dev.sandpod.api.notification.DeliveryView;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSource;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.NotificationView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.CompoundIndex;
import org.springframework.data.mongodb.core.mapping.Document;

/** A notification in its owner's inbox, with the record of its external deliveries. */
@Document(NotificationDocument.COLLECTION)
@CompoundIndex(name = "user_created", def = "{'userId': 1, 'createdAt': -1}")
class NotificationDocument {

    static final String COLLECTION = "notifications";

    @Id
    String notificationId;

    String userId;
    NotificationChannel channel;
    NotificationStatus status;
    String subject;
    String body;
    String actionUrl;
    NotificationSeverity severity;
    List<String> tags = new ArrayList<>();
    NotificationSource source;
    Instant createdAt;
    /**
     * When its creation was stored in the event store: the order in which streams sent it (the creation time above is
     * its cause's). Null on documents stored before this field existed.
     */
    Instant storedAt;

    Instant readAt;
    List<DeliveryDocument> deliveries = new ArrayList<>();
    long revision = -1;

    static class DeliveryDocument {
        String deliveryId;
        NotificationChannel channel;
        String target;
        NotificationStatus status;
        List<AttemptDocument> attempts = new ArrayList<>();
        Instant requestedAt;
        Instant deliveredAt;
        Instant failedAt;
        Instant nextAttemptAt;
        String lastError;

        DeliveryView toView() {
            return new DeliveryView(
                    deliveryId,
                    channel,
                    target,
                    status,
                    attempts.stream().map(AttemptDocument::toView).toList(),
                    requestedAt,
                    deliveredAt,
                    failedAt,
                    nextAttemptAt,
                    lastError);
        }
    }

    static class AttemptDocument {
        int attempt;
        Instant at;
        DeliveryOutcome outcome;
        Integer statusCode;
        String error;

        DeliveryAttemptView toView() {
            return new DeliveryAttemptView(attempt, at, outcome, statusCode, error);
        }
    }

    DeliveryDocument delivery(String deliveryId) {
        return deliveries.stream()
                .filter(d -> d.deliveryId.equals(deliveryId))
                .findFirst()
                .orElse(null);
    }

    NotificationView toView() {
        return new NotificationView(
                notificationId,
                userId,
                channel,
                status,
                subject,
                body,
                actionUrl,
                severity,
                List.copyOf(tags),
                source,
                createdAt,
                readAt,
                deliveries.stream().map(DeliveryDocument::toView).toList(),
                revision);
    }
}
