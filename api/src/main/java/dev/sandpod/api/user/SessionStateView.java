package dev.sandpod.api.user;

/** What a session token is checked against on every request. */
public record SessionStateView(
        String userId, String username, UserRole role, boolean active, long tokenVersion, boolean sessionRevoked) {}
