package dev.sandpod.api.notification;

import java.util.List;

public record NotificationPageView(List<NotificationView> notifications, long total, long unreadCount) {}
