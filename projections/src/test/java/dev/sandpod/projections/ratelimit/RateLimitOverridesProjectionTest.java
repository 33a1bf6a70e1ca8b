package dev.sandpod.projections.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.ratelimit.EndpointGroup;
import dev.sandpod.api.ratelimit.RateLimitAlgorithm;
import dev.sandpod.api.ratelimit.RateLimitRule;
import dev.sandpod.api.ratelimit.UserRateLimitsResetEvent;
import dev.sandpod.api.ratelimit.UserRateLimitsSetEvent;
import dev.sandpod.api.ratelimit.UserRateLimitsView;
import dev.sandpod.projections.support.InMemoryMongo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** Each user's rate-limit overrides as the rate limiter and the admin API read them, on an in-memory Mongo. */
@ExtendWith(InMemoryMongo.class)
class RateLimitOverridesProjectionTest {

    private static final String USER = "user-1";
    private static final String OVERRIDES = "rate-limits:" + USER;
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);
    private static final Instant T2 = T0.plusSeconds(120);
    private static final RateLimitRule EXECUTIONS = new RateLimitRule(
            "^/api/v1/executions.*", EndpointGroup.EXECUTION, 100, 60, RateLimitAlgorithm.TOKEN_BUCKET, 1.5, 10, true);
    private static final RateLimitRule ADMIN = new RateLimitRule(
            "^/api/v1/admin/.*", EndpointGroup.ADMIN, 5, 1, RateLimitAlgorithm.SLIDING_WINDOW, 1.0, 1, false);

    private RateLimitOverridesProjection projection;

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        projection = new RateLimitOverridesProjection(mongo);
    }

    private static UserRateLimitsSetEvent set(double multiplier, String notes, long version) {
        return new UserRateLimitsSetEvent(
                OVERRIDES, USER, false, multiplier, List.of(EXECUTIONS, ADMIN), notes, version);
    }

    private static EventMessage<?> at(Instant timestamp, Object payload) {
        return new GenericEventMessage<>(UUID.randomUUID().toString(), payload, Map.of(), timestamp);
    }

    private void apply(UserRateLimitsSetEvent event, Instant timestamp) {
        projection.on(event, at(timestamp, event));
    }

    private void apply(UserRateLimitsResetEvent event, Instant timestamp) {
        projection.on(event, at(timestamp, event));
    }

    @Test
    void aUserWithoutOverridesHasNoneAtVersionZero() {
        assertThat(projection.of(USER)).isEmpty();
        assertThat(projection.versionOf(USER)).isZero();
    }

    @Test
    void setOverridesAreReadBackWithTheirRules() {
        apply(set(2.0, "load test", 1), T0);

        assertThat(projection.of(USER))
                .contains(new UserRateLimitsView(USER, false, 2.0, List.of(EXECUTIONS, ADMIN), "load test", T0, T0, 1));
    }

    @Test
    void aChangeKeepsTheCreationTime() {
        apply(set(2.0, "load test", 1), T0);

        apply(set(3.0, "more", 2), T1);

        UserRateLimitsView view = projection.of(USER).orElseThrow();
        assertThat(view.globalMultiplier()).isEqualTo(3.0);
        assertThat(view.createdAt()).isEqualTo(T0);
        assertThat(view.updatedAt()).isEqualTo(T1);
        assertThat(view.version()).isEqualTo(2);
    }

    @Test
    void aSecondDeliveryOfTheSameSetChangesNothing() {
        UserRateLimitsSetEvent event = set(2.0, "load test", 1);
        EventMessage<?> message = at(T0, event);
        projection.on(event, message);
        UserRateLimitsView once = projection.of(USER).orElseThrow();

        projection.on(event, message);

        assertThat(projection.of(USER)).contains(once);
    }

    @Test
    void aRedeliveredOlderSetDoesNotOverwriteANewerOne() {
        apply(set(2.0, "old", 1), T0);
        apply(set(3.0, "new", 2), T1);

        apply(set(2.0, "old", 1), T2);

        UserRateLimitsView view = projection.of(USER).orElseThrow();
        assertThat(view.notes()).isEqualTo("new");
        assertThat(view.updatedAt()).isEqualTo(T1);
        assertThat(view.version()).isEqualTo(2);
    }

    @Test
    void afterAResetTheUserHasNoOverridesButTheVersionIsKept() {
        apply(set(2.0, "load test", 1), T0);

        apply(new UserRateLimitsResetEvent(OVERRIDES, USER, 2), T1);

        assertThat(projection.of(USER)).isEmpty();
        assertThat(projection.versionOf(USER)).isEqualTo(2);
    }

    @Test
    void aLateOlderSetCannotReviveResetOverrides() {
        apply(set(2.0, "load test", 1), T0);
        apply(new UserRateLimitsResetEvent(OVERRIDES, USER, 2), T1);

        apply(set(2.0, "load test", 1), T2);

        assertThat(projection.of(USER)).isEmpty();
    }

    @Test
    void overridesSetAgainAfterAResetStartAnew() {
        apply(set(2.0, "load test", 1), T0);
        apply(new UserRateLimitsResetEvent(OVERRIDES, USER, 2), T1);

        apply(set(4.0, "again", 3), T2);

        UserRateLimitsView view = projection.of(USER).orElseThrow();
        assertThat(view.globalMultiplier()).isEqualTo(4.0);
        assertThat(view.createdAt()).isEqualTo(T2);
    }

    @Test
    void aProjectionResetClearsEveryUsersOverridesForARebuild() {
        apply(set(2.0, "load test", 1), T0);

        projection.reset();

        assertThat(projection.of(USER)).isEmpty();
        assertThat(projection.versionOf(USER)).isZero();
    }
}
