package dev.sandpod.api.web;

import dev.sandpod.api.user.UserRole;

/**
 * Who sent the current request, as established by the session cookie or a personal access token. Controllers
 * receive it as a method argument; {@code sessionId} names the one signed-in session (logout ends only that
 * one); {@code tokenId} names the access token the request came with, null for a browser session.
 */
public record Caller(String userId, String username, UserRole role, String sessionId, String tokenId) {

    public Caller(String userId, String username, UserRole role, String sessionId) {
        this(userId, username, role, sessionId, null);
    }

    public boolean isAdmin() {
        return role == UserRole.ADMIN;
    }

    /** Whether the request came with a personal access token rather than a browser session. */
    public boolean viaToken() {
        return tokenId != null;
    }

    /** Owners and admins may see an execution; everyone else gets 403. */
    public boolean mayAccess(String ownerId) {
        return isAdmin() || userId.equals(ownerId);
    }
}
