package dev.sandpod.api.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sets a new password (hashed by the command side, never in an event) and ends every session of the
 * account. Answers the new session version.
 */
public record ResetUserPasswordCommand(
        @TargetAggregateIdentifier String userId, String newPassword) {

    @Override
    public String toString() {
        return "ResetUserPasswordCommand[userId=" + userId + "]";
    }
}
