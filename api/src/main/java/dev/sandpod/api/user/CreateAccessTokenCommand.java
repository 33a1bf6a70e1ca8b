package dev.sandpod.api.user;

import java.time.Instant;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The account creates a personal access token. {@code secretHash} is the SHA-256 of the secret (hex); the
 * secret itself never leaves the request that created it, and the hash never reaches an event.
 */
public record CreateAccessTokenCommand(
        @TargetAggregateIdentifier String userId,
        String tokenId,
        String name,
        List<AccessTokenScope> scopes,
        Instant expiresAt,
        String secretHash) {

    @Override
    public String toString() {
        return "CreateAccessTokenCommand[userId=" + userId + ", tokenId=" + tokenId + "]";
    }
}
