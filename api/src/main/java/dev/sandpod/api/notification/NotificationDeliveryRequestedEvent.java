package dev.sandpod.api.notification;

import java.util.List;
import org.axonframework.serialization.Revision;

/** A notification is to go out on an external channel; starts a delivery with its own retries. */
@Revision("1")
public record NotificationDeliveryRequestedEvent(
        String deliveryId,
        String notificationId,
        String userId,
        NotificationChannel channel,
        String target,
        String subject,
        String body,
        String actionUrl,
        NotificationSeverity severity,
        List<String> tags) {}
