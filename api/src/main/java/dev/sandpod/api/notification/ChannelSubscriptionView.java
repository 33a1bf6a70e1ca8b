package dev.sandpod.api.notification;

import java.time.Instant;

/** {@code explicit} is false for a channel the user never configured (the defaults apply). */
public record ChannelSubscriptionView(
        NotificationChannel channel,
        ChannelSubscription subscription,
        boolean explicit,
        Instant createdAt,
        Instant updatedAt,
        long revision) {}
