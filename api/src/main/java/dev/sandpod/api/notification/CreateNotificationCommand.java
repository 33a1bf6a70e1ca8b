package dev.sandpod.api.notification;

import java.time.Instant;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Create one notification for one user, already decided against the user's settings and subscriptions:
 * {@code channel}/{@code status} say how it shows in the inbox ({@code delivered} in-app, {@code sending}
 * when it only goes out externally, {@code skipped} when throttled), {@code deliveries} where it goes out;
 * {@code occurredAt} when its cause happened.
 */
public record CreateNotificationCommand(
        @TargetAggregateIdentifier String notificationId,
        String userId,
        NotificationSource source,
        String sourceId,
        String subject,
        String body,
        String actionUrl,
        NotificationSeverity severity,
        List<String> tags,
        NotificationChannel channel,
        NotificationStatus status,
        List<DeliveryTarget> deliveries,
        Instant occurredAt) {}
