package dev.sandpod.api.notification;

/**
 * Answers a {@link NotificationPageView}: the notifications the user's stream sent after {@code notificationId} (in-app
 * and delivered, in the order the stream sent them), at most {@code limit}; empty when that notification is not one
 * of the user's. Behind {@code Last-Event-ID} on the notification stream.
 */
public record FindNotificationsAfterQuery(String userId, String notificationId, int limit) {}
