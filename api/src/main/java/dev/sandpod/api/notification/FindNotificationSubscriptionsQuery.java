package dev.sandpod.api.notification;

/** Answers {@link NotificationSubscriptionsView}: one entry per channel, defaults where never set. */
public record FindNotificationSubscriptionsQuery(String userId) {}
