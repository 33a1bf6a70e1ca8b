package dev.sandpod.api.user;

/** What a login attempt came to; failures are recorded as events, not thrown, so they stay in the history. */
public enum LoginOutcome {
    SUCCEEDED,
    WRONG_PASSWORD,
    INACTIVE
}
