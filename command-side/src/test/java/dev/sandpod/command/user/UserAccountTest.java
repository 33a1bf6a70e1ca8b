package dev.sandpod.command.user;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.sandpod.api.user.LogInUserCommand;
import dev.sandpod.api.user.LogOutUserCommand;
import dev.sandpod.api.user.LoginOutcome;
import dev.sandpod.api.user.LoginResult;
import dev.sandpod.api.user.RegisterUserCommand;
import dev.sandpod.api.user.UserLoggedInEvent;
import dev.sandpod.api.user.UserLoggedOutEvent;
import dev.sandpod.api.user.UserLoginFailedEvent;
import dev.sandpod.api.user.UserRegisteredEvent;
import dev.sandpod.api.user.UserRole;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserAccountTest {

    private static final String ID = "u-1";
    private static final String SESSION = "s-1";

    private FixtureConfiguration<UserAccount> fixture;

    @BeforeEach
    void setUp() {
        // The hash store is the one thing outside the aggregate; a stand-in that knows one password.
        PasswordVerifier verifier = mock(PasswordVerifier.class);
        when(verifier.matches(eq(ID), any())).thenAnswer(call -> "right-password".equals(call.getArgument(1)));
        fixture = new AggregateTestFixture<>(UserAccount.class);
        fixture.registerInjectableResource(verifier);
    }

    private static UserRegisteredEvent registered(boolean active) {
        return new UserRegisteredEvent(ID, "ada", "ada@example.com", UserRole.USER, active);
    }

    @Test
    void registeringCreatesTheAccountWithoutCredentialsInTheEvent() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUserCommand(ID, "ada", "ada@example.com", UserRole.USER, true))
                .expectEvents(registered(true));
    }

    @Test
    void theRightPasswordOpensASession() {
        fixture.given(registered(true))
                .when(new LogInUserCommand(ID, "right-password", SESSION))
                .expectEvents(new UserLoggedInEvent(ID, SESSION))
                .expectResultMessagePayload(new LoginResult(LoginOutcome.SUCCEEDED, "ada", UserRole.USER));
    }

    @Test
    void aWrongPasswordIsRecordedAsAFailedLogin() {
        fixture.given(registered(true))
                .when(new LogInUserCommand(ID, "guess", SESSION))
                .expectEvents(new UserLoginFailedEvent(ID, "wrong_password"))
                .expectResultMessagePayload(new LoginResult(LoginOutcome.WRONG_PASSWORD, null, null));
    }

    @Test
    void aDeactivatedAccountCannotLogIn() {
        fixture.given(registered(false))
                .when(new LogInUserCommand(ID, "right-password", SESSION))
                .expectEvents(new UserLoginFailedEvent(ID, "inactive"))
                .expectResultMessagePayload(new LoginResult(LoginOutcome.INACTIVE, null, null));
    }

    @Test
    void loggingOutEndsThatSession() {
        fixture.given(registered(true), new UserLoggedInEvent(ID, SESSION))
                .when(new LogOutUserCommand(ID, SESSION))
                .expectEvents(new UserLoggedOutEvent(ID, SESSION));
    }
}
