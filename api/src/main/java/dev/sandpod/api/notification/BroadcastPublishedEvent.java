package dev.sandpod.api.notification;

import java.util.List;
import org.axonframework.serialization.Revision;

/** {@code publishedBy} is the admin's user id, or the name of the external source of an alert. */
@Revision("1")
public record BroadcastPublishedEvent(
        String broadcastId,
        NotificationSource source,
        BroadcastAudience audience,
        String subject,
        String body,
        NotificationSeverity severity,
        List<String> tags,
        String actionUrl,
        String publishedBy) {}
