package dev.sandpod.api.notification;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Identifiers derived from what caused a notification, so that a redelivered cause creates nothing twice;
 * and the ids of per-user aggregates, which must not collide with the user account's own id (the event
 * store's uniqueness is on aggregate id and sequence, whatever the aggregate type).
 */
public final class NotificationIds {

    private NotificationIds() {}

    public static String forCause(String cause, String userId) {
        return UUID.nameUUIDFromBytes((cause + "/" + userId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    public static String subscriptionsOf(String userId) {
        return "notification-subscriptions:" + userId;
    }

    public static String delivery(String notificationId, NotificationChannel channel) {
        return notificationId + ":" + channel.wireName();
    }
}
