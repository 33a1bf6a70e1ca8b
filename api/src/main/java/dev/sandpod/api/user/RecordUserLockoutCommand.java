package dev.sandpod.api.user;

import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records that too many failed logins locked the account until {@code lockedUntil}. */
public record RecordUserLockoutCommand(
        @TargetAggregateIdentifier String userId, Instant lockedUntil, int failedAttempts) {}
