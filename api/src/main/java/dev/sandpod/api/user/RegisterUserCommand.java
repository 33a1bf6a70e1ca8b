package dev.sandpod.api.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Creates an account. Uniqueness of username and email is checked by the command side before the aggregate exists. */
public record RegisterUserCommand(
        @TargetAggregateIdentifier String userId, String username, String email, UserRole role, boolean active) {}
