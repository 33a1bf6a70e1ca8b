package dev.sandpod.api.user;

import org.axonframework.serialization.Revision;

/** The account's password was changed. The hash is not part of any event; who did it is in the metadata. */
@Revision("1")
public record UserPasswordChangedEvent(String userId) {}
