package dev.sandpod.api.notification;

/** Answers a {@link NotificationView}, or nothing when there is none (or it was deleted). */
public record FindNotificationQuery(String notificationId) {}
