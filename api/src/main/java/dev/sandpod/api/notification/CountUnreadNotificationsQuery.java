package dev.sandpod.api.notification;

/** Answers a {@code Long}: the user's notifications not read yet (skipped ones do not count). */
public record CountUnreadNotificationsQuery(String userId) {}
