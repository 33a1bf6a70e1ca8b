package dev.sandpod.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.user.UserRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** A verified token is remembered by its text (issue 21, reads): what it proves must not outlive what it says. */
class SessionTokensTest {

    private static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-07T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static SecurityProperties properties(String secret) {
        return new SecurityProperties(
                secret,
                Duration.ofMinutes(60),
                false,
                List.of(),
                List.of(),
                DataSize.ofMegabytes(10),
                SecurityProperties.DEFAULT_CSP,
                Duration.ofDays(365),
                List.of("health"),
                null);
    }

    @Test
    void aTokenVerifiedOnceIsStillRefusedOnceItHasExpired() {
        MovableClock clock = new MovableClock();
        SessionTokens tokens = new SessionTokens(properties(SECRET), clock);
        String token = tokens.issue("u1", "alice", UserRole.USER, 3, Duration.ofMinutes(5))
                .accessToken();

        assertThat(tokens.verifySession(token)).hasValueSatisfying(session -> {
            assertThat(session.caller().userId()).isEqualTo("u1");
            assertThat(session.tokenVersion()).isEqualTo(3);
        });
        clock.advance(Duration.ofMinutes(4));
        assertThat(tokens.verifySession(token)).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(tokens.verifySession(token))
                .as("expired, though verified before")
                .isEmpty();
    }

    @Test
    void aRememberedTokenDoesNotVouchForAnAlteredCopy() {
        SessionTokens tokens = new SessionTokens(properties(SECRET), Clock.systemUTC());
        String token = tokens.issue("u1", "alice", UserRole.USER).accessToken();
        assertThat(tokens.verifySession(token)).isPresent();

        int signature = token.lastIndexOf('.') + 1;
        char flipped = token.charAt(signature) == 'A' ? 'B' : 'A';
        String altered = token.substring(0, signature) + flipped + token.substring(signature + 1);
        String[] parts = token.split("\\.");
        String otherClaims = parts[0] + "." + parts[1] + "x." + parts[2];

        assertThat(tokens.verifySession(altered)).isEmpty();
        assertThat(tokens.verifySession(otherClaims)).isEmpty();
        assertThat(tokens.verifySession(token)).isPresent();
    }

    @Test
    void anotherKeyDoesNotAcceptWhatThisOneRemembers() {
        SessionTokens ours = new SessionTokens(properties(SECRET), Clock.systemUTC());
        SessionTokens theirs = new SessionTokens(properties(SECRET + "-but-another-one"), Clock.systemUTC());
        String token = ours.issue("u1", "alice", UserRole.ADMIN).accessToken();

        assertThat(ours.verifySession(token)).isPresent();
        assertThat(theirs.verifySession(token)).isEmpty();
    }

    @Test
    void pastItsBoundTheMemoryStartsAgainAndEveryTokenStillVerifies() {
        SessionTokens tokens = new SessionTokens(properties(SECRET), Clock.systemUTC());
        String first = tokens.issue("u0", "user0", UserRole.USER).accessToken();
        assertThat(tokens.verifySession(first)).isPresent();
        for (int i = 1; i <= SessionTokens.VERIFIED_KEPT + 10; i++) {
            assertThat(tokens.verifySession(
                            tokens.issue("u" + i, "user" + i, UserRole.USER).accessToken()))
                    .isPresent();
        }
        assertThat(tokens.verifySession(first))
                .hasValueSatisfying(s -> assertThat(s.caller().userId()).isEqualTo("u0"));
    }
}
