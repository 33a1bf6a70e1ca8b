package dev.sandpod.command.user;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.sandpod.api.user.LogInUserCommand;
import dev.sandpod.api.user.LogOutUserCommand;
import dev.sandpod.api.user.LoginOutcome;
import dev.sandpod.api.user.LoginResult;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.RegisterUserCommand;
import dev.sandpod.api.user.UserLoggedInEvent;
import dev.sandpod.api.user.UserLoggedOutEvent;
import dev.sandpod.api.user.UserLoginFailedEvent;
import dev.sandpod.api.user.UserRegisteredEvent;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * An account. The password hash is deliberately not part of its events (an auditor reads every event);
 * it lives in the command side's credential store and is checked through {@link PasswordVerifier}.
 */
@Aggregate
class UserAccount {

    @AggregateIdentifier
    private String userId;
    private String username;
    private UserRole role;
    private boolean active;

    UserAccount() {
        // for Axon
    }

    @CommandHandler
    UserAccount(RegisterUserCommand command) {
        apply(new UserRegisteredEvent(command.userId(), command.username(), command.email(), command.role(),
                command.active()));
    }

    /** Failed attempts are events too, so that lockout and audit see them; nothing is thrown. */
    @CommandHandler
    LoginResult handle(LogInUserCommand command, PasswordVerifier verifier) {
        boolean passwordMatches = verifier.matches(userId, command.password());
        if (!passwordMatches) {
            apply(new UserLoginFailedEvent(userId, "wrong_password"));
            return new LoginResult(LoginOutcome.WRONG_PASSWORD, null, null);
        }
        if (!active) {
            apply(new UserLoginFailedEvent(userId, "inactive"));
            return new LoginResult(LoginOutcome.INACTIVE, null, null);
        }
        apply(new UserLoggedInEvent(userId, command.sessionId()));
        return new LoginResult(LoginOutcome.SUCCEEDED, username, role);
    }

    @CommandHandler
    void handle(LogOutUserCommand command) {
        apply(new UserLoggedOutEvent(userId, command.sessionId()));
    }

    @EventSourcingHandler
    void on(UserRegisteredEvent event) {
        userId = event.userId();
        username = event.username();
        role = event.role();
        active = event.active();
    }
}
