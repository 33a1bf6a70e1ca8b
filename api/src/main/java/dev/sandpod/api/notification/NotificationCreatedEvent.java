package dev.sandpod.api.notification;

import java.util.List;
import org.axonframework.serialization.Revision;

@Revision("1")
public record NotificationCreatedEvent(
        String notificationId,
        String userId,
        NotificationSource source,
        String sourceId,
        NotificationChannel channel,
        NotificationStatus status,
        String subject,
        String body,
        String actionUrl,
        NotificationSeverity severity,
        List<String> tags) {}
