package dev.sandpod.api.notification;

import java.util.List;

public record NotificationIdsView(List<String> notificationIds) {}
