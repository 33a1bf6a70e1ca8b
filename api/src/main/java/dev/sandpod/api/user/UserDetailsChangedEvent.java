package dev.sandpod.api.user;

import org.axonframework.serialization.Revision;

/** An account's details are now these (all of them, changed or not). */
@Revision("1")
public record UserDetailsChangedEvent(String userId, String username, String email, UserRole role, boolean active) {}
