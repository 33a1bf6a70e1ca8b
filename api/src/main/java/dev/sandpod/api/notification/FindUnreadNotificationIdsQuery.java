package dev.sandpod.api.notification;

/** Answers {@link NotificationIdsView}: what mark-all-read has to mark. */
public record FindUnreadNotificationIdsQuery(String userId) {}
