package dev.sandpod.api.user;

import org.axonframework.serialization.Revision;

/** A personal access token was revoked; it stops working at once, on every instance. */
@Revision("1")
public record AccessTokenRevokedEvent(String userId, String tokenId) {}
