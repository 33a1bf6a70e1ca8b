package dev.sandpod.api.user;

import org.axonframework.serialization.Revision;

/** The account is gone; its history stays in the event store for auditors. */
@Revision("1")
public record UserDeletedEvent(String userId) {}
