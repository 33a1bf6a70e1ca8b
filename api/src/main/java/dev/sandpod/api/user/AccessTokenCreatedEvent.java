package dev.sandpod.api.user;

import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/** A personal access token was created; {@code expiresAt} is null for one that does not expire. No secret. */
@Revision("1")
public record AccessTokenCreatedEvent(
        String userId, String tokenId, String name, List<AccessTokenScope> scopes, Instant expiresAt) {}
