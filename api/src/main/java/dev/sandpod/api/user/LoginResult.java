package dev.sandpod.api.user;

/** The answer to {@link LogInUserCommand}: the outcome and, on success, who signed in. */
public record LoginResult(LoginOutcome outcome, String username, UserRole role) {
}
