package dev.sandpod.api.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * An admin sets an account's name, email, role and whether it is active (the new values, all of them).
 * Uniqueness of a new username or email is claimed by the command side before this is sent. Answers a
 * {@link UserDetailsChange}.
 */
public record ChangeUserDetailsCommand(
        @TargetAggregateIdentifier String userId, String username, String email, UserRole role, boolean active) {}
