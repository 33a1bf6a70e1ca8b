package dev.sandpod.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sandpod.api.user.FindSessionStateQuery;
import dev.sandpod.api.user.SessionStateView;
import dev.sandpod.api.user.UserDetailsChangedEvent;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.user.UserSessionsEndedEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.axonframework.queryhandling.QueryGateway;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The account state a signed-in request is checked against: requests that find the copy stale share one read
 * (issue 21, reads), and a change seen on this instance still counts for every request after it.
 */
class SessionStatesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final QueryGateway queries = mock(QueryGateway.class);
    /** Stopped: whatever the machine's load, the copy a test reads stays within its freshness. */
    private final SessionStates states =
            new SessionStates(queries, Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC));

    private static SessionStateView state(UserRole role, long version) {
        return new SessionStateView("u1", "alice", role, true, version, false);
    }

    private void answers(CompletableFuture<?>... futures) {
        var stub = when(queries.query(any(FindSessionStateQuery.class), eq(SessionStateView.class)));
        @SuppressWarnings("unchecked")
        CompletableFuture<SessionStateView>[] typed = (CompletableFuture<SessionStateView>[]) futures;
        stub.thenReturn(typed[0], java.util.Arrays.copyOfRange(typed, 1, typed.length));
    }

    private void queried(int times) {
        verify(queries, times(times)).query(any(FindSessionStateQuery.class), eq(SessionStateView.class));
    }

    @Test
    void requestsThatFindTheCopyStaleTogetherShareOneRead() {
        CompletableFuture<SessionStateView> read = new CompletableFuture<>();
        answers(read);

        Mono<Optional<SessionStateView>> first = states.of("u1", "s1");
        Mono<Optional<SessionStateView>> second = states.of("u1", "s1");
        var firstAnswer = first.toFuture();
        var secondAnswer = second.toFuture();
        read.complete(state(UserRole.USER, 0));

        assertThat(Mono.fromFuture(firstAnswer).block(WAIT)).contains(state(UserRole.USER, 0));
        assertThat(Mono.fromFuture(secondAnswer).block(WAIT)).contains(state(UserRole.USER, 0));
        assertThat(states.of("u1", "s1").block(WAIT)).contains(state(UserRole.USER, 0));
        queried(1);
    }

    @Test
    void aRoleChangeSeenHereIsReadAfreshByTheNextRequest() {
        answers(
                CompletableFuture.completedFuture(state(UserRole.USER, 0)),
                CompletableFuture.completedFuture(state(UserRole.ADMIN, 0)));
        assertThat(states.of("u1", "s1").block(WAIT)).contains(state(UserRole.USER, 0));

        states.on(new UserDetailsChangedEvent("u1", "alice", "a@example.org", UserRole.ADMIN, true));

        assertThat(states.of("u1", "s1").block(WAIT)).contains(state(UserRole.ADMIN, 0));
        queried(2);
    }

    @Test
    void aReadBegunBeforeAChangeNeitherServesNorFillsTheCacheForRequestsAfterIt() {
        CompletableFuture<SessionStateView> before = new CompletableFuture<>();
        answers(before, CompletableFuture.completedFuture(state(UserRole.USER, 1)));
        var early = states.of("u1", "s1").toFuture();

        states.on(new UserSessionsEndedEvent("u1", 1, "password_changed"));
        Optional<SessionStateView> after = states.of("u1", "s1").block(WAIT);
        before.complete(state(UserRole.USER, 0));

        assertThat(after).as("not the read begun before the change").contains(state(UserRole.USER, 1));
        assertThat(Mono.fromFuture(early).block(WAIT)).contains(state(UserRole.USER, 0));
        assertThat(states.of("u1", "s1").block(WAIT))
                .as("the old answer, arriving late, was not cached")
                .contains(state(UserRole.USER, 1));
        assertThat(states.endedHere("u1", 0)).isTrue();
        queried(2);
    }

    @Test
    void aFailedReadIsNotKeptForTheNextRequest() {
        answers(
                CompletableFuture.failedFuture(new IllegalStateException("store down")),
                CompletableFuture.completedFuture(state(UserRole.USER, 0)));

        assertThat(states.of("u1", "s1")
                        .onErrorResume(e -> Mono.just(Optional.empty()))
                        .block(WAIT))
                .isEmpty();
        assertThat(states.of("u1", "s1").block(WAIT)).contains(state(UserRole.USER, 0));
        queried(2);
    }
}
