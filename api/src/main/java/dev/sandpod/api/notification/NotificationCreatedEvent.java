package dev.sandpod.api.notification;

import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/**
 * A notification for one user. {@code occurredAt} is when its cause happened (the announcement was published,
 * the run ended): the inbox orders by it, so notifications keep their causes' order even when the notification
 * policy creates them out of order (its segments work in parallel). Revision 1 had no such time and reads as
 * null; the inbox then uses the event's own time ({@code command.notification.NotificationCreatedEventUpcaster}).
 */
@Revision("2")
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
        List<String> tags,
        Instant occurredAt) {}
