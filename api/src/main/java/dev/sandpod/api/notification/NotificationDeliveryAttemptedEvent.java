package dev.sandpod.api.notification;

import org.axonframework.serialization.Revision;

/** One attempt of a delivery, logged whatever its outcome (the delivery record). */
@Revision("1")
public record NotificationDeliveryAttemptedEvent(
        String deliveryId,
        String notificationId,
        NotificationChannel channel,
        int attempt,
        DeliveryOutcome outcome,
        Integer statusCode,
        String error,
        long retryAfterMillis) {}
