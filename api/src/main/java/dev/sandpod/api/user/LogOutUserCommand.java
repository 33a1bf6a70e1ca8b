package dev.sandpod.api.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record LogOutUserCommand(@TargetAggregateIdentifier String userId, String sessionId) {}
