package dev.sandpod.web.notification;

import dev.sandpod.api.notification.DeliveryView;
import dev.sandpod.api.notification.NotificationView;
import java.time.Instant;
import java.util.List;

/** The API's notification shapes, mapped from views (wire names for enums). */
final class NotificationResponses {

    private NotificationResponses() {}

    record NotificationResponse(
            String notificationId,
            String channel,
            String status,
            String subject,
            String body,
            String actionUrl,
            Instant createdAt,
            Instant readAt,
            String severity,
            List<String> tags) {

        static NotificationResponse of(NotificationView v) {
            return new NotificationResponse(
                    v.notificationId(),
                    v.channel().wireName(),
                    v.status().wireName(),
                    v.subject(),
                    v.body(),
                    v.actionUrl() == null ? "" : v.actionUrl(),
                    v.createdAt(),
                    v.readAt(),
                    v.severity().wireName(),
                    v.tags());
        }
    }

    record AttemptResponse(int attempt, Instant at, String outcome, Integer statusCode, String error) {}

    record DeliveryResponse(
            String deliveryId,
            String channel,
            String target,
            String status,
            int attemptCount,
            List<AttemptResponse> attempts,
            Instant requestedAt,
            Instant deliveredAt,
            Instant failedAt,
            Instant nextAttemptAt,
            String lastError) {

        static DeliveryResponse of(DeliveryView d) {
            return new DeliveryResponse(
                    d.deliveryId(),
                    d.channel().wireName(),
                    d.target(),
                    d.status().wireName(),
                    d.attempts().size(),
                    d.attempts().stream()
                            .map(a -> new AttemptResponse(
                                    a.attempt(),
                                    a.at(),
                                    a.outcome().name().toLowerCase(java.util.Locale.ROOT),
                                    a.statusCode(),
                                    a.error()))
                            .toList(),
                    d.requestedAt(),
                    d.deliveredAt(),
                    d.failedAt(),
                    d.nextAttemptAt(),
                    d.lastError());
        }
    }

    record DeliveriesResponse(String notificationId, List<DeliveryResponse> deliveries) {}
}
