package dev.sandpod.api.notification;

/** One external delivery of a notification: a webhook or Slack address. */
public record DeliveryTarget(NotificationChannel channel, String url) {}
