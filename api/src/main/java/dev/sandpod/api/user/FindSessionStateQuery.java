package dev.sandpod.api.user;

/**
 * Answers {@link SessionStateView} for the user, or null when the account is not in the users read model (yet);
 * a deleted account answers as inactive.
 * {@code sessionId} may be null when only the account's state is wanted.
 */
public record FindSessionStateQuery(String userId, String sessionId) {}
