package dev.sandpod.api.user;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** {@code failedAttempts} wrong passwords in a row locked the account until {@code lockedUntil}. */
@Revision("1")
public record UserLockedOutEvent(String userId, Instant lockedUntil, int failedAttempts) {}
