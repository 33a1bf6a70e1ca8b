package dev.sandpod.api.notification;

import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An admin announcement or an external alert, to be turned into notifications for its audience. */
public record PublishBroadcastCommand(
        @TargetAggregateIdentifier String broadcastId,
        NotificationSource source,
        BroadcastAudience audience,
        String subject,
        String body,
        NotificationSeverity severity,
        List<String> tags,
        String actionUrl,
        String publishedBy) {}
