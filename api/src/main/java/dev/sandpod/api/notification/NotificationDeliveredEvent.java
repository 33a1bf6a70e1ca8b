package dev.sandpod.api.notification;

import org.axonframework.serialization.Revision;

@Revision("1")
public record NotificationDeliveredEvent(
        String deliveryId, String notificationId, NotificationChannel channel, int attempts) {}
