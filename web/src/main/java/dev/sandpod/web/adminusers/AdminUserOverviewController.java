package dev.sandpod.web.adminusers;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.ratelimit.FindUserRateLimitsQuery;
import dev.sandpod.api.ratelimit.UserRateLimitsView;
import dev.sandpod.api.user.FindUserQuery;
import dev.sandpod.api.user.UserResponse;
import dev.sandpod.api.user.UserView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.query.operations.UserOverviews;
import dev.sandpod.query.operations.UserOverviews.DerivedCounts;
import dev.sandpod.query.operations.UserOverviews.Stats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One user at a glance for admins: the account with its rate-limit overrides, what the user did in the last
 * 24 hours (events by type and hour, terminal outcomes, error rate, mean time from request to stored
 * result) and the latest events, all from the event store.
 */
@RestController
class AdminUserOverviewController {

    static final Duration WINDOW = Duration.ofHours(24);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final QueryGateway queries;
    private final UserOverviews overviews;
    private final Clock clock = Clock.systemUTC();

    AdminUserOverviewController(QueryGateway queries, UserOverviews overviews) {
        this.queries = queries;
        this.overviews = overviews;
    }

    record RateLimitSummary(Boolean bypassRateLimit, Double globalMultiplier, Boolean hasCustomLimits) {}

    record AdminUserOverview(
            UserResponse user,
            Stats stats,
            DerivedCounts derivedCounts,
            RateLimitSummary rateLimitSummary,
            List<Map<String, Object>> recentEvents) {}

    @GetMapping({"/api/v1/admin/users/{userId}/overview", "/api/v1/admin/users/{userId}/overview/"})
    Mono<AdminUserOverview> overview(@PathVariable String userId, Caller caller) {
        if (!caller.isAdmin()) {
            throw new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required");
        }
        Instant until = clock.instant();
        Instant since = until.minus(WINDOW);
        return Mono.fromFuture(() -> queries.query(new FindUserQuery(userId), UserView.class))
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "User not found")))
                .flatMap(view -> Mono.fromFuture(
                                () -> queries.query(new FindUserRateLimitsQuery(userId), UserRateLimitsView.class))
                        .map(limits -> UserResponse.of(view, limits))
                        .defaultIfEmpty(UserResponse.of(view)))
                .flatMap(user -> Mono.fromCallable(() -> overviews.of(userId, since, until))
                        .subscribeOn(Schedulers.boundedElastic())
                        .map(activity -> new AdminUserOverview(
                                user,
                                activity.stats(),
                                activity.derivedCounts(),
                                new RateLimitSummary(
                                        user.bypassRateLimit(), user.globalMultiplier(), user.hasCustomLimits()),
                                activity.recentEvents())))
                .timeout(TIMEOUT);
    }
}
