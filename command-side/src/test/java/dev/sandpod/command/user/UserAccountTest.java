package dev.sandpod.command.user;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sandpod.api.user.ChangeUserDetailsCommand;
import dev.sandpod.api.user.DeleteUserCommand;
import dev.sandpod.api.user.LogInUserCommand;
import dev.sandpod.api.user.LogOutUserCommand;
import dev.sandpod.api.user.LoginOutcome;
import dev.sandpod.api.user.LoginResult;
import dev.sandpod.api.user.RecordUserLockoutCommand;
import dev.sandpod.api.user.RegisterUserCommand;
import dev.sandpod.api.user.ResetUserPasswordCommand;
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
import java.time.Instant;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

class UserAccountTest {

    private static final String ID = "u-1";
    private static final String SESSION = "s-1";

    private FixtureConfiguration<UserAccount> fixture;
    private CredentialStore credentials;
    private UserDirectory directory;
    private PasswordEncoder encoder;
    private AccessTokens tokens;

    @BeforeEach
    void setUp() {
        // The hash store is the one thing outside the aggregate; a stand-in that knows one password.
        PasswordVerifier verifier = mock(PasswordVerifier.class);
        when(verifier.matches(eq(ID), any())).thenAnswer(call -> "right-password".equals(call.getArgument(1)));
        credentials = mock(CredentialStore.class);
        directory = mock(UserDirectory.class);
        encoder = mock(PasswordEncoder.class);
        when(encoder.encode(any())).thenAnswer(call -> "hash-of-" + call.getArgument(0));
        fixture = new AggregateTestFixture<>(UserAccount.class);
        fixture.registerInjectableResource(verifier);
        fixture.registerInjectableResource(credentials);
        fixture.registerInjectableResource(directory);
        fixture.registerInjectableResource(encoder);
        tokens = mock(AccessTokens.class);
        fixture.registerInjectableResource(tokens);
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
                .expectResultMessagePayload(new LoginResult(LoginOutcome.SUCCEEDED, "ada", UserRole.USER, 0));
    }

    @Test
    void aWrongPasswordIsRecordedAsAFailedLogin() {
        fixture.given(registered(true))
                .when(new LogInUserCommand(ID, "guess", SESSION))
                .expectEvents(new UserLoginFailedEvent(ID, "wrong_password"))
                .expectResultMessagePayload(new LoginResult(LoginOutcome.WRONG_PASSWORD, null, null, 0));
    }

    @Test
    void aDeactivatedAccountCannotLogIn() {
        fixture.given(registered(false))
                .when(new LogInUserCommand(ID, "right-password", SESSION))
                .expectEvents(new UserLoginFailedEvent(ID, "inactive"))
                .expectResultMessagePayload(new LoginResult(LoginOutcome.INACTIVE, null, null, 0));
    }

    @Test
    void loggingOutEndsThatSession() {
        fixture.given(registered(true), new UserLoggedInEvent(ID, SESSION))
                .when(new LogOutUserCommand(ID, SESSION))
                .expectEvents(new UserLoggedOutEvent(ID, SESSION));
    }

    @Test
    void resettingThePasswordStoresTheNewHashOutsideTheEventsAndEndsEverySession() {
        fixture.given(registered(true), new UserLoggedInEvent(ID, SESSION))
                .when(new ResetUserPasswordCommand(ID, "new-password"))
                .expectEvents(
                        new UserPasswordChangedEvent(ID),
                        new UserSessionsEndedEvent(ID, 1, UserAccount.PASSWORD_CHANGED))
                .expectResultMessagePayload(1L);
        verify(credentials).save(ID, "hash-of-new-password");
    }

    @Test
    void aSessionOpenedAfterAPasswordChangeCarriesTheNewVersion() {
        fixture.given(
                        registered(true),
                        new UserPasswordChangedEvent(ID),
                        new UserSessionsEndedEvent(ID, 1, UserAccount.PASSWORD_CHANGED))
                .when(new LogInUserCommand(ID, "right-password", SESSION))
                .expectResultMessagePayload(new LoginResult(LoginOutcome.SUCCEEDED, "ada", UserRole.USER, 1));
    }

    @Test
    void deactivatingAnAccountEndsItsSessions() {
        fixture.given(registered(true))
                .when(new ChangeUserDetailsCommand(ID, "ada", "ada@example.com", UserRole.USER, false))
                .expectEvents(
                        new UserDetailsChangedEvent(ID, "ada", "ada@example.com", UserRole.USER, false),
                        new UserSessionsEndedEvent(ID, 1, UserAccount.DEACTIVATED))
                .expectResultMessagePayload(new UserDetailsChange("ada", "ada@example.com", 1));
    }

    @Test
    void changingTheRoleEndsTheSessionsThatCarryTheOldOne() {
        fixture.given(registered(true))
                .when(new ChangeUserDetailsCommand(ID, "ada", "ada@example.com", UserRole.ADMIN, true))
                .expectEvents(
                        new UserDetailsChangedEvent(ID, "ada", "ada@example.com", UserRole.ADMIN, true),
                        new UserSessionsEndedEvent(ID, 1, UserAccount.ROLE_CHANGED));
    }

    @Test
    void renamingKeepsTheSessionsAndAnswersTheOldName() {
        fixture.given(registered(true))
                .when(new ChangeUserDetailsCommand(ID, "lovelace", "ada@example.com", UserRole.USER, true))
                .expectEvents(new UserDetailsChangedEvent(ID, "lovelace", "ada@example.com", UserRole.USER, true))
                .expectResultMessagePayload(new UserDetailsChange("ada", "ada@example.com", 0));
    }

    @Test
    void unchangedDetailsRecordNothing() {
        fixture.given(registered(true))
                .when(new ChangeUserDetailsCommand(ID, "ada", "ada@example.com", UserRole.USER, true))
                .expectNoEvents();
    }

    @Test
    void deletingAnAccountErasesItsCredentialsAndFreesItsNames() {
        fixture.given(registered(true))
                .when(new DeleteUserCommand(ID))
                .expectEvents(new UserDeletedEvent(ID))
                .expectMarkedDeleted();
        verify(credentials).delete(ID);
        verify(directory).releaseUsernameOf("ada", ID);
        verify(directory).releaseEmailOf("ada@example.com", ID);
    }

    @Test
    void aDeletedAccountCannotLogIn() {
        fixture.given(registered(true), new UserDeletedEvent(ID))
                .when(new LogInUserCommand(ID, "right-password", SESSION))
                .expectException(AggregateDeletedException.class);
    }

    @Test
    void aLockoutAndAnUnlockAreRecorded() {
        Instant until = Instant.parse("2030-01-01T00:15:00Z");
        fixture.given(registered(true))
                .when(new RecordUserLockoutCommand(ID, until, 5))
                .expectEvents(new UserLockedOutEvent(ID, until, 5));
        fixture.given(registered(true), new UserLockedOutEvent(ID, until, 5))
                .when(new UnlockUserCommand(ID))
                .expectEvents(new UserUnlockedEvent(ID));
    }

    @Test
    void creatingAnAccessTokenStoresOnlyItsHashOutsideTheEvent() {
        var scopes = java.util.List.of(dev.sandpod.api.user.AccessTokenScope.EXECUTE);
        fixture.given(registered(true))
                .when(new dev.sandpod.api.user.CreateAccessTokenCommand(ID, "t-1", "ci", scopes, null, "hash-1"))
                .expectEvents(new dev.sandpod.api.user.AccessTokenCreatedEvent(ID, "t-1", "ci", scopes, null));
        org.mockito.Mockito.verify(tokens).save("t-1", ID, "ci", scopes, null, "hash-1");
    }

    @Test
    void onlyAnAdminMayGrantTheAdminScope() {
        var scopes = java.util.List.of(dev.sandpod.api.user.AccessTokenScope.ADMIN);
        fixture.given(registered(true))
                .when(new dev.sandpod.api.user.CreateAccessTokenCommand(ID, "t-1", "ops", scopes, null, "hash-1"))
                .expectNoEvents()
                .expectException(dev.sandpod.api.error.SandpodException.class);
        org.mockito.Mockito.verifyNoInteractions(tokens);
    }

    @Test
    void revokingATokenDeletesItFromTheStoreAndRecordsIt() {
        var scopes = java.util.List.of(dev.sandpod.api.user.AccessTokenScope.READ);
        fixture.given(registered(true), new dev.sandpod.api.user.AccessTokenCreatedEvent(ID, "t-1", "ci", scopes, null))
                .when(new dev.sandpod.api.user.RevokeAccessTokenCommand(ID, "t-1"))
                .expectEvents(new dev.sandpod.api.user.AccessTokenRevokedEvent(ID, "t-1"));
        org.mockito.Mockito.verify(tokens).revoke(ID, "t-1");
    }

    @Test
    void revokingAnUnknownTokenIsNotFound() {
        fixture.given(registered(true))
                .when(new dev.sandpod.api.user.RevokeAccessTokenCommand(ID, "nope"))
                .expectNoEvents()
                .expectException(dev.sandpod.api.error.SandpodException.class);
    }
}
