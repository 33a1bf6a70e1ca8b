package dev.sandpod.api.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RevokeAccessTokenCommand(
        @TargetAggregateIdentifier String userId, String tokenId) {}
