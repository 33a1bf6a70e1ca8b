package dev.sandpod.api.notification;

/**
 * Subscription query behind the notification stream: the initial result is the user's unread count (a
 * {@code Long}), updates are {@link NotificationView}s as they are delivered in-app.
 */
public record StreamNotificationsQuery(String userId) {}
