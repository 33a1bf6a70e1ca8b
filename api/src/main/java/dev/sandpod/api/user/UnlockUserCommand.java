package dev.sandpod.api.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An admin lifts a login lockout early (the counters live outside the aggregate; this records the act). */
public record UnlockUserCommand(@TargetAggregateIdentifier String userId) {}
