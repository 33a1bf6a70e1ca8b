package dev.sandpod.api.user;

import org.axonframework.serialization.Revision;

/** A login for this account was refused; {@code reason} is {@code wrong_password} or {@code inactive}. */
@Revision("1")
public record UserLoginFailedEvent(String userId, String reason) {}
