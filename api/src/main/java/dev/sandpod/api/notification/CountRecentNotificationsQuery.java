package dev.sandpod.api.notification;

import java.time.Instant;

/** Answers a {@code Long}: notifications of that severity created for the user since then (the throttle). */
public record CountRecentNotificationsQuery(String userId, NotificationSeverity severity, Instant since) {}
