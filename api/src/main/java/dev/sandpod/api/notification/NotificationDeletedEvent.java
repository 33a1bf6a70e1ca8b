package dev.sandpod.api.notification;

import org.axonframework.serialization.Revision;

/** Gone from the owner's inbox; the history stays in the event store. */
@Revision("1")
public record NotificationDeletedEvent(String notificationId, String userId) {}
