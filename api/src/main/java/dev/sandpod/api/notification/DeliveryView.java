package dev.sandpod.api.notification;

import java.time.Instant;
import java.util.List;

/** The record of one external delivery: where to, where it stands, and every attempt. */
public record DeliveryView(
        String deliveryId,
        NotificationChannel channel,
        String target,
        NotificationStatus status,
        List<DeliveryAttemptView> attempts,
        Instant requestedAt,
        Instant deliveredAt,
        Instant failedAt,
        Instant nextAttemptAt,
        String lastError) {}
