package dev.sandpod.api.notification;

import org.axonframework.serialization.Revision;

@Revision("1")
public record NotificationReadEvent(String notificationId, String userId) {}
