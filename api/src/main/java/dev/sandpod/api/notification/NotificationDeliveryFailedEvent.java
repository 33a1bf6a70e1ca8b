package dev.sandpod.api.notification;

import org.axonframework.serialization.Revision;

/** A delivery gave up after its last attempt. Other deliveries of the notification are not affected. */
@Revision("1")
public record NotificationDeliveryFailedEvent(
        String deliveryId, String notificationId, NotificationChannel channel, int attempts, String error) {}
