package dev.sandpod.api.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Checks a password and, when it matches, opens session {@code sessionId}. Answers a {@link LoginOutcome}. */
public record LogInUserCommand(@TargetAggregateIdentifier String userId, String password, String sessionId) {

    @Override
    public String toString() {
        return "LogInUserCommand[userId=" + userId + ", sessionId=" + sessionId + "]";
    }
}
