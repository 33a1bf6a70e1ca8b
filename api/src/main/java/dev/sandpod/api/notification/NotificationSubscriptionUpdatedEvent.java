package dev.sandpod.api.notification;

import org.axonframework.serialization.Revision;

/** A channel subscription changed; carries the values before and after. */
@Revision("1")
public record NotificationSubscriptionUpdatedEvent(
        String subscriptionsId,
        String userId,
        NotificationChannel channel,
        ChannelSubscription previous,
        ChannelSubscription subscription) {}
