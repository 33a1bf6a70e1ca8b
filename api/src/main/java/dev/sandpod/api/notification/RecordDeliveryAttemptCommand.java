package dev.sandpod.api.notification;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The outcome of one delivery attempt; {@code retryAfterMillis} is set when another attempt follows. */
public record RecordDeliveryAttemptCommand(
        @TargetAggregateIdentifier String notificationId,
        String deliveryId,
        int attempt,
        DeliveryOutcome outcome,
        Integer statusCode,
        String error,
        long retryAfterMillis) {}
