package dev.sandpod.api.user;

/** Answers {@code Boolean}: true when the session was logged out. */
public record IsSessionRevokedQuery(String sessionId) {}
