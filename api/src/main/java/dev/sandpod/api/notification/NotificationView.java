package dev.sandpod.api.notification;

import java.time.Instant;
import java.util.List;

/** A notification with its delivery records; {@code revision} is the sequence number of its last event. */
public record NotificationView(
        String notificationId,
        String userId,
        NotificationChannel channel,
        NotificationStatus status,
        String subject,
        String body,
        String actionUrl,
        NotificationSeverity severity,
        List<String> tags,
        NotificationSource source,
        Instant createdAt,
        Instant readAt,
        List<DeliveryView> deliveries,
        long revision) {}
