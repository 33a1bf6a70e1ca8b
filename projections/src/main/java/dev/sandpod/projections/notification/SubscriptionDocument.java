package dev.sandpod.projections.notification;

import dev.sandpod.api.notification.ChannelSubscription;
import dev.sandpod.api.notification.ChannelSubscriptionView;
import dev.sandpod.api.notification.NotificationChannel;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** One channel subscription of one user; channels never set have no document (the defaults apply). */
@Document(SubscriptionDocument.COLLECTION)
class SubscriptionDocument {

    static final String COLLECTION = "notification_subscriptions";

    @Id
    String id;

    String userId;
    NotificationChannel channel;
    ChannelSubscription subscription;
    Instant createdAt;
    Instant updatedAt;
    long revision = -1;

    static String idOf(String userId, NotificationChannel channel) {
        return userId + ":" + channel.wireName();
    }

    ChannelSubscriptionView toView() {
        return new ChannelSubscriptionView(channel, subscription, true, createdAt, updatedAt, revision);
    }
}
