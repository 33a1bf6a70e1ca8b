package dev.sandpod.command.user;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.user.AccessTokenCreatedEvent;
import dev.sandpod.api.user.AccessTokenRevokedEvent;
import dev.sandpod.api.user.AccessTokenScope;
import dev.sandpod.api.user.ChangeUserDetailsCommand;
import dev.sandpod.api.user.CreateAccessTokenCommand;
import dev.sandpod.api.user.DeleteUserCommand;
import dev.sandpod.api.user.LogInUserCommand;
import dev.sandpod.api.user.LogOutUserCommand;
import dev.sandpod.api.user.LoginOutcome;
import dev.sandpod.api.user.LoginResult;
import dev.sandpod.api.user.RecordUserLockoutCommand;
import dev.sandpod.api.user.RegisterUserCommand;
import dev.sandpod.api.user.ResetUserPasswordCommand;
import dev.sandpod.api.user.RevokeAccessTokenCommand;
import dev.sandpod.api.user.UnlockUserCommand;
import dev.sandpod.api.user.UserDeletedEvent;
import dev.sandpod.api.user.UserDetailsChange;
import dev.sandpod.api.user.UserDetailsChangedEvent;
import dev.sandpod.api.user.UserLockedOutEvent;
import dev.sandpod.api.user.UserLoggedInEvent;
import dev.sandpod.api.user.UserLoggedOutEvent;
import dev.sandpod.api.user.UserLoginFailedEvent;
import dev.sandpod.api.user.UserPasswordChangedEvent;
import dev.sandpod.api.user.UserRegisteredEvent;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.UserSessionsEndedEvent;
import dev.sandpod.api.user.UserUnlockedEvent;
import java.util.LinkedHashSet;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * An account. The password hash is deliberately not part of its events (an auditor reads every event);
 * it lives in the command side's credential store and is checked through {@link PasswordVerifier}.
 *
 * <p>{@code tokenVersion} is the session generation: every token carries the version it was issued under and
 * the front door accepts only the current one, so a password change, a deactivation or a role change ends
 * all sessions at once. A deleted account has no sessions at all.
 */
@Aggregate
class UserAccount {

    static final String PASSWORD_CHANGED = "password_changed";
    static final String DEACTIVATED = "deactivated";
    static final String ROLE_CHANGED = "role_changed";

    @AggregateIdentifier
    private String userId;

    private String username;
    private String email;
    private UserRole role;
    private boolean active;
    private long tokenVersion;
    private Set<String> accessTokens = new LinkedHashSet<>();

    UserAccount() {
        // for Axon
    }

    @CommandHandler
    UserAccount(RegisterUserCommand command) {
        apply(new UserRegisteredEvent(
                command.userId(), command.username(), command.email(), command.role(), command.active()));
    }

    /** Failed attempts are events too, so that lockout and audit see them; nothing is thrown. */
    @CommandHandler
    LoginResult handle(LogInUserCommand command, PasswordVerifier verifier) {
        boolean passwordMatches = verifier.matches(userId, command.password());
        if (!passwordMatches) {
            apply(new UserLoginFailedEvent(userId, "wrong_password"));
            return new LoginResult(LoginOutcome.WRONG_PASSWORD, null, null, tokenVersion);
        }
        if (!active) {
            apply(new UserLoginFailedEvent(userId, "inactive"));
            return new LoginResult(LoginOutcome.INACTIVE, null, null, tokenVersion);
        }
        apply(new UserLoggedInEvent(userId, command.sessionId()));
        return new LoginResult(LoginOutcome.SUCCEEDED, username, role, tokenVersion);
    }

    @CommandHandler
    void handle(LogOutUserCommand command) {
        apply(new UserLoggedOutEvent(userId, command.sessionId()));
    }

    @CommandHandler
    UserDetailsChange handle(ChangeUserDetailsCommand command) {
        UserDetailsChange before = new UserDetailsChange(username, email, tokenVersion);
        boolean changed = !command.username().equals(username)
                || !command.email().equals(email)
                || command.role() != role
                || command.active() != active;
        if (!changed) {
            return before;
        }
        boolean deactivated = active && !command.active();
        boolean roleChanged = command.role() != role;
        // apply() runs the event sourcing handler at once: the fields hold the new values from here on
        apply(new UserDetailsChangedEvent(
                userId, command.username(), command.email(), command.role(), command.active()));
        // A token names the role it was issued for: a changed role, like a deactivation, ends every session.
        if (deactivated) {
            apply(new UserSessionsEndedEvent(userId, tokenVersion + 1, DEACTIVATED));
        } else if (roleChanged) {
            apply(new UserSessionsEndedEvent(userId, tokenVersion + 1, ROLE_CHANGED));
        }
        return new UserDetailsChange(before.previousUsername(), before.previousEmail(), tokenVersion);
    }

    /**
     * The hash is written here, under the aggregate's lock, so no login of this account can run between the
     * new hash and the end of the old sessions.
     */
    @CommandHandler
    long handle(
            ResetUserPasswordCommand command,
            CredentialStore credentials,
            org.springframework.security.crypto.password.PasswordEncoder encoder) {
        credentials.save(userId, encoder.encode(command.newPassword()));
        apply(new UserPasswordChangedEvent(userId));
        apply(new UserSessionsEndedEvent(userId, tokenVersion + 1, PASSWORD_CHANGED));
        return tokenVersion;
    }

    /**
     * The token's hash goes to the shared store before the event, under this aggregate's lock; only an admin
     * may grant {@code admin}, and an account holds at most {@link AccessTokens#MAX_PER_USER} live tokens.
     */
    @CommandHandler
    void handle(CreateAccessTokenCommand command, AccessTokens tokens) {
        if (command.scopes().contains(AccessTokenScope.ADMIN) && role != UserRole.ADMIN) {
            throw new SandpodException(ErrorCode.FORBIDDEN, "Only an admin may create a token with scope admin");
        }
        if (accessTokens.size() >= AccessTokens.MAX_PER_USER) {
            throw new SandpodException(
                    ErrorCode.CONFLICT,
                    "At most " + AccessTokens.MAX_PER_USER + " access tokens at once; revoke one first");
        }
        tokens.save(
                command.tokenId(), userId, command.name(), command.scopes(), command.expiresAt(), command.secretHash());
        apply(new AccessTokenCreatedEvent(
                userId, command.tokenId(), command.name(), command.scopes(), command.expiresAt()));
    }

    @CommandHandler
    void handle(RevokeAccessTokenCommand command, AccessTokens tokens) {
        if (!accessTokens.contains(command.tokenId())) {
            throw new SandpodException(ErrorCode.NOT_FOUND, "No such access token");
        }
        tokens.revoke(userId, command.tokenId());
        apply(new AccessTokenRevokedEvent(userId, command.tokenId()));
    }

    @CommandHandler
    void handle(DeleteUserCommand command, CredentialStore credentials, UserDirectory directory, AccessTokens tokens) {
        apply(new UserDeletedEvent(userId));
        credentials.delete(userId);
        tokens.revokeAllOf(userId);
        directory.releaseUsernameOf(username, userId);
        directory.releaseEmailOf(email, userId);
    }

    @CommandHandler
    void handle(UnlockUserCommand command) {
        apply(new UserUnlockedEvent(userId));
    }

    @CommandHandler
    void handle(RecordUserLockoutCommand command) {
        apply(new UserLockedOutEvent(userId, command.lockedUntil(), command.failedAttempts()));
    }

    @EventSourcingHandler
    void on(UserRegisteredEvent event) {
        userId = event.userId();
        username = event.username();
        email = event.email();
        role = event.role();
        active = event.active();
    }

    @EventSourcingHandler
    void on(UserDetailsChangedEvent event) {
        username = event.username();
        email = event.email();
        role = event.role();
        active = event.active();
    }

    @EventSourcingHandler
    void on(UserSessionsEndedEvent event) {
        tokenVersion = event.tokenVersion();
    }

    @EventSourcingHandler
    void on(AccessTokenCreatedEvent event) {
        accessTokens.add(event.tokenId());
    }

    @EventSourcingHandler
    void on(AccessTokenRevokedEvent event) {
        accessTokens.remove(event.tokenId());
    }

    @EventSourcingHandler
    void on(UserDeletedEvent event) {
        markDeleted();
    }
}
