package dev.sandpod.api.user;

import org.axonframework.serialization.Revision;

/** An account exists. Carries no credentials: the password hash lives in the command side's credential store. */
@Revision("1")
public record UserRegisteredEvent(String userId, String username, String email, UserRole role, boolean active) {}
