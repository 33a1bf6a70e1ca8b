package dev.sandpod.api.notification;

import java.util.List;

public record NotificationSubscriptionsView(String userId, List<ChannelSubscriptionView> subscriptions) {

    public ChannelSubscriptionView of(NotificationChannel channel) {
        return subscriptions.stream()
                .filter(s -> s.channel() == channel)
                .findFirst()
                .orElse(new ChannelSubscriptionView(
                        channel, ChannelSubscription.defaults(channel), false, null, null, -1));
    }
}
