package dev.sandpod.projections.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.user.FindUsersQuery;
import dev.sandpod.api.user.UserDeletedEvent;
import dev.sandpod.api.user.UserDetailsChangedEvent;
import dev.sandpod.api.user.UserLoggedOutEvent;
import dev.sandpod.api.user.UserPasswordChangedEvent;
import dev.sandpod.api.user.UserRegisteredEvent;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.UserSessionsEndedEvent;
import dev.sandpod.api.user.UserView;
import dev.sandpod.projections.support.InMemoryMongo;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The users read model (admin list, {@code /auth/me}, session checks) against an in-memory Mongo. */
@ExtendWith(InMemoryMongo.class)
class UserProjectionTest {

    private static final String ALICE = "user-alice";
    private static final String BOB = "user-bob";
    private static final String SESSION = "session-1";
    private static final String OTHER_SESSION = "session-2";
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);
    private static final UserRegisteredEvent ALICE_REGISTERED =
            new UserRegisteredEvent(ALICE, "alice", "alice@example.com", UserRole.USER, true);
    private static final UserRegisteredEvent BOB_REGISTERED =
            new UserRegisteredEvent(BOB, "bob", "bob@example.com", UserRole.ADMIN, true);
    private static final int PAGE = 50;

    private UserProjection projection;
    private UserReadModel readModel;

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        projection = new UserProjection(mongo);
        readModel = new UserReadModel(mongo);
    }

    private static EventMessage<?> at(Instant timestamp, Object payload) {
        return new GenericEventMessage<>(UUID.randomUUID().toString(), payload, Map.of(), timestamp);
    }

    private void register(UserRegisteredEvent event, Instant timestamp) {
        projection.on(event, at(timestamp, event));
    }

    private void delete(String userId, Instant timestamp) {
        UserDeletedEvent event = new UserDeletedEvent(userId);
        projection.on(event, at(timestamp, event));
    }

    @Test
    void aRegisteredUserIsReadableByIdAndByName() {
        register(ALICE_REGISTERED, T0);

        UserView expected = new UserView(ALICE, "alice", "alice@example.com", UserRole.USER, true, T0, T0);
        assertThat(readModel.byId(ALICE)).contains(expected);
        assertThat(readModel.byUsername("alice")).contains(expected);
    }

    @Test
    void aSecondDeliveryOfTheSameRegistrationChangesNothing() {
        EventMessage<?> registered = at(T0, ALICE_REGISTERED);
        projection.on(ALICE_REGISTERED, registered);
        UserView once = readModel.byId(ALICE).orElseThrow();

        projection.on(ALICE_REGISTERED, registered);

        assertThat(readModel.byId(ALICE)).contains(once);
        assertThat(readModel.page(new FindUsersQuery(null, null, PAGE, 0)).total())
                .isEqualTo(1);
    }

    @Test
    void changedDetailsAreWhatTheUserIsFoundByAndShownAs() {
        register(ALICE_REGISTERED, T0);
        var changed = new UserDetailsChangedEvent(ALICE, "alicia", "alicia@example.com", UserRole.MODERATOR, true);

        projection.on(changed, at(T1, changed));

        assertThat(readModel.byId(ALICE))
                .contains(new UserView(ALICE, "alicia", "alicia@example.com", UserRole.MODERATOR, true, T0, T1));
        assertThat(readModel.byUsername("alicia")).isPresent();
        assertThat(readModel.byUsername("alice")).isEmpty();
    }

    @Test
    void aPasswordChangeCountsAsAnUpdateOfTheAccount() {
        register(ALICE_REGISTERED, T0);
        var changed = new UserPasswordChangedEvent(ALICE);

        projection.on(changed, at(T1, changed));

        assertThat(readModel.byId(ALICE).orElseThrow().updatedAt()).isEqualTo(T1);
    }

    @Test
    void aDeletedUserCanNoLongerBeFoundByIdNameOrInTheList() {
        register(ALICE_REGISTERED, T0);
        register(BOB_REGISTERED, T0);

        delete(ALICE, T1);

        assertThat(readModel.byId(ALICE)).isEmpty();
        assertThat(readModel.byUsername("alice")).isEmpty();
        var page = readModel.page(new FindUsersQuery(null, null, PAGE, 0));
        assertThat(page.users()).extracting(UserView::userId).containsExactly(BOB);
        assertThat(page.total()).isEqualTo(1);
    }

    @Test
    void aDeletedUsersTokensAreCheckedAgainstAnInactiveAccount() {
        register(ALICE_REGISTERED, T0);

        delete(ALICE, T1);

        var state = readModel.sessionState(ALICE, SESSION).orElseThrow();
        assertThat(state.active()).isFalse();
    }

    @Test
    void aNameFreedByADeletedAccountFindsItsNewOwner() {
        register(ALICE_REGISTERED, T0);
        delete(ALICE, T1);

        register(new UserRegisteredEvent("user-alice-2", "alice", "new@example.com", UserRole.USER, true), T1);

        assertThat(readModel.byUsername("alice").orElseThrow().userId()).isEqualTo("user-alice-2");
    }

    @Test
    void anAccountNotProjectedYetHasNoSessionState() {
        assertThat(readModel.sessionState(ALICE, SESSION)).isEmpty();
    }

    @Test
    void aLoggedOutSessionIsRevokedAndTheUsersOtherSessionsAreNot() {
        register(ALICE_REGISTERED, T0);
        var loggedOut = new UserLoggedOutEvent(ALICE, SESSION);

        projection.on(loggedOut, at(T1, loggedOut));

        assertThat(readModel.isSessionRevoked(SESSION)).isTrue();
        assertThat(readModel.sessionState(ALICE, SESSION).orElseThrow().sessionRevoked())
                .isTrue();
        assertThat(readModel.sessionState(ALICE, OTHER_SESSION).orElseThrow().sessionRevoked())
                .isFalse();
    }

    @Test
    void endedSessionsRaiseTheTokenVersion() {
        register(ALICE_REGISTERED, T0);

        projection.on(new UserSessionsEndedEvent(ALICE, 2, "password_changed"));

        assertThat(readModel.sessionState(ALICE, SESSION).orElseThrow().tokenVersion())
                .isEqualTo(2);
    }

    @Test
    void aRedeliveredOlderSessionsEndedEventNeverLowersTheTokenVersion() {
        register(ALICE_REGISTERED, T0);
        projection.on(new UserSessionsEndedEvent(ALICE, 1, "password_changed"));
        projection.on(new UserSessionsEndedEvent(ALICE, 2, "role_changed"));

        projection.on(new UserSessionsEndedEvent(ALICE, 1, "password_changed"));

        assertThat(readModel.sessionState(ALICE, SESSION).orElseThrow().tokenVersion())
                .isEqualTo(2);
    }

    @Test
    void theAdminListIsSortedByNameAndPagedOverTheFullCount() {
        register(BOB_REGISTERED, T0);
        register(ALICE_REGISTERED, T0);
        register(new UserRegisteredEvent("user-carol", "carol", "carol@example.com", UserRole.USER, true), T0);

        var page = readModel.page(new FindUsersQuery(null, null, 2, 1));

        assertThat(page.users()).extracting(UserView::username).containsExactly("bob", "carol");
        assertThat(page.total()).isEqualTo(3);
    }

    @Test
    void theAdminListSearchesNameOrEmailIgnoringCase() {
        register(ALICE_REGISTERED, T0);
        register(BOB_REGISTERED, T0);
        register(new UserRegisteredEvent("user-carol", "carol", "carol@ALICE.org", UserRole.USER, true), T0);

        var page = readModel.page(new FindUsersQuery("Alice", null, PAGE, 0));

        assertThat(page.users()).extracting(UserView::username).containsExactly("alice", "carol");
    }

    @Test
    void theAdminListSearchTakesPatternCharactersLiterally() {
        register(new UserRegisteredEvent("user-dot", "a.b", "dot@example.com", UserRole.USER, true), T0);
        register(new UserRegisteredEvent("user-axb", "axb", "axb@example.com", UserRole.USER, true), T0);

        var page = readModel.page(new FindUsersQuery("a.b", null, PAGE, 0));

        assertThat(page.users()).extracting(UserView::username).containsExactly("a.b");
    }

    @Test
    void theAdminListFiltersByRole() {
        register(ALICE_REGISTERED, T0);
        register(BOB_REGISTERED, T0);

        var page = readModel.page(new FindUsersQuery(null, UserRole.ADMIN, PAGE, 0));

        assertThat(page.users()).extracting(UserView::userId).containsExactly(BOB);
    }

    @Test
    void aResetClearsTheUsersAndTheRevokedSessionsForARebuild() {
        register(ALICE_REGISTERED, T0);
        var loggedOut = new UserLoggedOutEvent(ALICE, SESSION);
        projection.on(loggedOut, at(T1, loggedOut));

        projection.reset();

        assertThat(readModel.byId(ALICE)).isEmpty();
        assertThat(readModel.page(new FindUsersQuery(null, null, PAGE, 0)).total())
                .isZero();
        assertThat(readModel.isSessionRevoked(SESSION)).isFalse();
    }
}
