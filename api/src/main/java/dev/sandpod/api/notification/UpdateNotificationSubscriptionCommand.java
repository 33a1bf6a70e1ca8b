package dev.sandpod.api.notification;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Replace the user's subscription for one channel; validated by the web edge. */
public record UpdateNotificationSubscriptionCommand(
        @TargetAggregateIdentifier String subscriptionsId,
        String userId,
        NotificationChannel channel,
        ChannelSubscription subscription) {}
