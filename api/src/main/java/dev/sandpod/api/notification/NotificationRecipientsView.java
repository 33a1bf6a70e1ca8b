package dev.sandpod.api.notification;

import java.util.List;

public record NotificationRecipientsView(List<String> userIds) {}
