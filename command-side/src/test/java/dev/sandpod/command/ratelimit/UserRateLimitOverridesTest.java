package dev.sandpod.command.ratelimit;

import dev.sandpod.api.ratelimit.EndpointGroup;
import dev.sandpod.api.ratelimit.RateLimitAlgorithm;
import dev.sandpod.api.ratelimit.RateLimitIds;
import dev.sandpod.api.ratelimit.RateLimitRule;
import dev.sandpod.api.ratelimit.ResetUserRateLimitsCommand;
import dev.sandpod.api.ratelimit.SetUserRateLimitsCommand;
import dev.sandpod.api.ratelimit.UserRateLimitsResetEvent;
import dev.sandpod.api.ratelimit.UserRateLimitsSetEvent;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserRateLimitOverridesTest {

    private static final String USER = "u-1";
    private static final String ID = RateLimitIds.overridesOf(USER);
    private static final List<RateLimitRule> RULES = List.of(new RateLimitRule(
            "^/api/v1/execute$", EndpointGroup.EXECUTION, 100, 60, RateLimitAlgorithm.SLIDING_WINDOW, 1.5, 10, true));

    private FixtureConfiguration<UserRateLimitOverrides> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(UserRateLimitOverrides.class);
    }

    @Test
    void theFirstOverrideCreatesTheSettingsAtVersionOne() {
        fixture.givenNoPriorActivity()
                .when(new SetUserRateLimitsCommand(ID, USER, false, 2.0, RULES, "grader"))
                .expectEvents(new UserRateLimitsSetEvent(ID, USER, false, 2.0, RULES, "grader", 1))
                .expectResultMessagePayload(1L);
    }

    @Test
    void everyChangeIsANewVersion() {
        fixture.given(new UserRateLimitsSetEvent(ID, USER, false, 2.0, RULES, null, 1))
                .when(new SetUserRateLimitsCommand(ID, USER, true, 1.0, List.of(), null))
                .expectEvents(new UserRateLimitsSetEvent(ID, USER, true, 1.0, List.of(), null, 2))
                .expectResultMessagePayload(2L);
    }

    @Test
    void resettingDropsTheOverrides() {
        fixture.given(new UserRateLimitsSetEvent(ID, USER, false, 2.0, RULES, null, 1))
                .when(new ResetUserRateLimitsCommand(ID, USER))
                .expectEvents(new UserRateLimitsResetEvent(ID, USER, 2))
                .expectResultMessagePayload(2L);
    }

    @Test
    void resettingTwiceRecordsItOnce() {
        fixture.given(
                        new UserRateLimitsSetEvent(ID, USER, false, 2.0, RULES, null, 1),
                        new UserRateLimitsResetEvent(ID, USER, 2))
                .when(new ResetUserRateLimitsCommand(ID, USER))
                .expectNoEvents()
                .expectResultMessagePayload(2L);
    }
}
