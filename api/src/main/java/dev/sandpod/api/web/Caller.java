package dev.sandpod.api.web;

import dev.sandpod.api.user.UserRole;

/**
 * Who sent the current request, as established by the session cookie. Controllers receive it as a method
 * argument; {@code sessionId} names the one signed-in session (logout ends only that one).
 */
public record Caller(String userId, String username, UserRole role, String sessionId) {

    public boolean isAdmin() {
        return role == UserRole.ADMIN;
    }

    /** Owners and admins may see an execution; everyone else gets 403. */
    public boolean mayAccess(String ownerId) {
        return isAdmin() || userId.equals(ownerId);
    }
}
