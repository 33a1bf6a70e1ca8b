package dev.sandpod.api.notification;

/** Answers {@link NotificationRecipientsView}: the active users a broadcast goes to. */
public record FindNotificationRecipientsQuery(BroadcastAudience audience) {}
