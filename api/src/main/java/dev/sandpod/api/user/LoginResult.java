package dev.sandpod.api.user;

/**
 * The answer to {@link LogInUserCommand}: the outcome and, on success, who signed in and the session version
 * the new token must carry.
 */
public record LoginResult(LoginOutcome outcome, String username, UserRole role, long tokenVersion) {}
