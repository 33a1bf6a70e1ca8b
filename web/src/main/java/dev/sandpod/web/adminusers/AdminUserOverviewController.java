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
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.audit.EventDocs;
import dev.sandpod.web.execution.StoredEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Admin: users")
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

    /*
     * For the API document (never built): what the answer's records and maps hold. The activity comes from
     * the users' and executions' own histories (query.history.EventHistory), whose event types are the
     * class names in snake case.
     */

    @Schema(name = "UserEventTypeCount")
    record TypeCountDoc(
            @Schema(description = "The event's type (the class name in snake case)")
            String eventType,

            long count) {}

    @Schema(name = "ServiceEventCount")
    record ServiceCountDoc(@Schema(description = "sandpod") String serviceName, long count) {}

    @Schema(name = "UserActivityCount")
    record UserCountDoc(
            String userId,

            @Addition @Schema(description = "The user's events in the window")
            long count) {}

    @Schema(name = "EventStatistics")
    record StatsDoc(
            long totalEvents,
            List<TypeCountDoc> eventsByType,
            List<ServiceCountDoc> eventsByService,
            List<EventDocs.HourCount> eventsByHour,

            @Schema(description = "The user, with the count of their events")
            List<UserCountDoc> topUsers,

            @Schema(description = "Failed and timed-out executions per ended execution")
            double errorRate,

            @Schema(description = "Mean seconds from request to stored result")
            double avgProcessingTime,

            Instant startTime,
            Instant endTime) {}

    @Schema(
            name = "HistoryEvent",
            description = "One event of the user's or their executions' histories: this envelope, then the "
                    + "event's own fields",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record HistoryEventDoc(
            String eventId,

            @Schema(description = "The event's type (the class name in snake case)")
            String eventType,

            String eventVersion,
            Instant timestamp,
            String aggregateId,
            @Addition String aggregateType,
            @Addition long sequenceNumber,
            StoredEvent.Metadata metadata) {}

    @Schema(name = "AdminUserOverview")
    record OverviewDoc(
            UserResponse user,
            StatsDoc stats,
            DerivedCounts derivedCounts,
            RateLimitSummary rateLimitSummary,

            @Schema(description = "The latest events, newest first")
            List<HistoryEventDoc> recentEvents) {}

    record AdminUserOverview(
            UserResponse user,
            Stats stats,
            DerivedCounts derivedCounts,
            RateLimitSummary rateLimitSummary,
            List<Map<String, Object>> recentEvents) {}

    @GetMapping({"/api/v1/admin/users/{userId}/overview", "/api/v1/admin/users/{userId}/overview/"})
    @Operation(summary = "One user at a glance: the account, the last 24 hours' activity, the latest events")
    @ApiResponse(
            responseCode = "200",
            description = "The overview",
            content = @Content(schema = @Schema(implementation = OverviewDoc.class)))
    @ApiResponse(responseCode = "404", description = "No such user")
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
