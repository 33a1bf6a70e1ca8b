package dev.sandpod.web.notification;

import dev.sandpod.api.notification.DeliveryView;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.NotificationView;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** The API's notification shapes, mapped from views (wire names for enums). */
final class NotificationResponses {

    private NotificationResponses() {}

    @Schema(name = "NotificationResponse")
    record NotificationResponse(
            String notificationId,

            @Schema(implementation = NotificationChannel.class)
            String channel,

            @Schema(implementation = NotificationStatus.class)
            String status,

            String subject,
            String body,

            @Schema(description = "Where the notification leads in the app (a path) or outside it")
            String actionUrl,

            Instant createdAt,
            @Schema(description = "Null while unread") Instant readAt,

            @Schema(implementation = NotificationSeverity.class)
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

    @Schema(name = "DeliveryAttempt")
    record AttemptResponse(int attempt, Instant at, String outcome, Integer statusCode, String error) {}

    @Schema(name = "Delivery", description = "A notification's delivery to one webhook or Slack target")
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

    @Schema(name = "DeliveriesResponse")
    record DeliveriesResponse(String notificationId, List<DeliveryResponse> deliveries) {}
}
