package dev.sandpod.web.ratelimit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.ratelimit.EndpointGroup;
import dev.sandpod.api.ratelimit.FindUserRateLimitsQuery;
import dev.sandpod.api.ratelimit.RateLimitAlgorithm;
import dev.sandpod.api.ratelimit.RateLimitIds;
import dev.sandpod.api.ratelimit.RateLimitRule;
import dev.sandpod.api.ratelimit.ResetUserRateLimitsCommand;
import dev.sandpod.api.ratelimit.SetUserRateLimitsCommand;
import dev.sandpod.api.ratelimit.UserRateLimitsView;
import dev.sandpod.api.user.FindUserQuery;
import dev.sandpod.api.user.UserView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.support.Origin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The rate-limit admin API: the default rules, and per user the overrides (events, durable until changed) with
 * the counters' current state. A change made here applies to the user's very next request on this
 * instance, and within {@code overrides-refresh} on the others.
 */
@RestController
@Tag(name = "Admin: rate limits", description = "The default rules, and per user overrides and counters (admins)")
class RateLimitAdminController {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(25);
    private static final int MAX_POLLS = 120;
    private static final int MAX_RULES = 50;
    private static final int MAX_PATTERN_LENGTH = 500;
    private static final int MAX_NOTES_LENGTH = 1000;
    private static final int MAX_REQUESTS = 100_000;
    private static final int MAX_WINDOW_SECONDS = 86_400;
    private static final double MAX_MULTIPLIER = 1000;

    private final RateLimiter limiter;
    private final UserOverrides overrides;
    private final CommandGateway commands;
    private final QueryGateway queries;

    RateLimitAdminController(
            RateLimiter limiter, UserOverrides overrides, CommandGateway commands, QueryGateway queries) {
        this.limiter = limiter;
        this.overrides = overrides;
        this.commands = commands;
        this.queries = queries;
    }

    @Schema(name = "RateLimitRuleResponse")
    record RuleResponse(
            @Schema(description = "A regular expression over the request path")
            String endpointPattern,

            @Schema(implementation = EndpointGroup.class) String group,
            int requests,
            int windowSeconds,

            @Schema(implementation = RateLimitAlgorithm.class)
            String algorithm,

            double burstMultiplier,
            int priority,
            boolean enabled) {

        static RuleResponse of(RateLimitRule rule) {
            return new RuleResponse(
                    rule.endpointPattern(),
                    rule.group().wireName(),
                    rule.requests(),
                    rule.windowSeconds(),
                    rule.algorithm().wireName(),
                    rule.burstMultiplier(),
                    rule.priority(),
                    rule.enabled());
        }
    }

    @Schema(name = "UserRateLimitConfigResponse")
    record ConfigResponse(
            String userId,
            boolean bypassRateLimit,
            double globalMultiplier,
            List<RuleResponse> rules,
            Instant createdAt,
            Instant updatedAt,
            String notes) {

        static ConfigResponse of(UserRateLimitsView view) {
            return new ConfigResponse(
                    view.userId(),
                    view.bypassRateLimit(),
                    view.globalMultiplier(),
                    view.rules().stream().map(RuleResponse::of).toList(),
                    view.createdAt(),
                    view.updatedAt(),
                    view.notes());
        }
    }

    @Schema(name = "EndpointUsageStats")
    record UsageResponse(
            @Schema(implementation = RateLimitAlgorithm.class)
            String algorithm,

            int remaining) {}

    @Schema(name = "UserRateLimitsResponse")
    record UserRateLimitsResponse(
            String userId,

            @Schema(description = "The user's overrides; null when none are set")
            ConfigResponse rateLimitConfig,

            @Schema(description = "Per endpoint group, the counter now")
            Map<String, UsageResponse> currentUsage) {}

    @Schema(name = "RateLimitUpdateResponse")
    record UpdateResponse(String userId, boolean updated, ConfigResponse config) {}

    @Schema(name = "MessageResponse")
    record MessageResponse(String message) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "RateLimitRuleRequest")
    record RuleRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String endpointPattern,

            @Schema(implementation = EndpointGroup.class, requiredMode = Schema.RequiredMode.REQUIRED)
            String group,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Integer requests,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Integer windowSeconds,

            @Schema(implementation = RateLimitAlgorithm.class, defaultValue = "sliding_window")
            String algorithm,

            Double burstMultiplier,
            Integer priority,
            Boolean enabled) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "RateLimitUpdateRequest", description = "Replaces the user's overrides as a whole")
    record UpdateRequest(Boolean bypassRateLimit, Double globalMultiplier, List<RuleRequest> rules, String notes) {}

    @GetMapping("/api/v1/admin/rate-limits/defaults")
    @Operation(summary = "The default rules every user gets")
    @ApiResponse(
            responseCode = "200",
            description = "The rules",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = RuleResponse.class))))
    List<RuleResponse> defaults(Caller caller) {
        requireAdmin(caller);
        return limiter.defaultRules().stream().map(RuleResponse::of).toList();
    }

    @GetMapping("/api/v1/admin/rate-limits/{userId}")
    @Operation(summary = "A user's overrides and current counters")
    @ApiResponse(responseCode = "200", description = "The overrides (if any) and counters")
    @ApiResponse(responseCode = "404", description = "No such user")
    Mono<UserRateLimitsResponse> get(@PathVariable String userId, Caller caller) {
        requireAdmin(caller);
        return existing(userId)
                .then(view(userId).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()))
                .flatMap(view -> {
                    UserOverrides.Effective effective =
                            view.map(UserOverrides::effective).orElse(UserOverrides.NONE);
                    return limiter.usage(RateLimiter.userIdentity(userId), effective)
                            .map(usage -> {
                                Map<String, UsageResponse> current = new LinkedHashMap<>();
                                usage.forEach((group, applied) -> current.put(
                                        group.wireName(),
                                        new UsageResponse(
                                                applied.rule()
                                                        .rule()
                                                        .algorithm()
                                                        .wireName(),
                                                applied.decision().remaining())));
                                return new UserRateLimitsResponse(
                                        userId, view.map(ConfigResponse::of).orElse(null), current);
                            });
                })
                .timeout(TIMEOUT);
    }

    @PutMapping("/api/v1/admin/rate-limits/{userId}")
    @Operation(summary = "Set a user's overrides: bypass, a multiplier of every limit, own rules")
    @ApiResponse(responseCode = "200", description = "The overrides as set")
    @ApiResponse(responseCode = "404", description = "No such user")
    Mono<UpdateResponse> update(
            @PathVariable String userId, @RequestBody UpdateRequest request, Caller caller, ServerHttpRequest http) {
        requireAdmin(caller);
        List<RateLimitRule> rules = validate(request);
        boolean bypass = Boolean.TRUE.equals(request.bypassRateLimit());
        double multiplier = request.globalMultiplier() == null ? 1.0 : request.globalMultiplier();
        String notes = request.notes();
        var command = new SetUserRateLimitsCommand(
                RateLimitIds.overridesOf(userId), userId, bypass, multiplier, rules, notes);
        return existing(userId)
                .then(view(userId).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()))
                .flatMap(before -> Mono.fromFuture(() -> commands.<Long>send(Origin.command(command, caller, http)))
                        .flatMap(version -> {
                            Instant now = Instant.now();
                            UserRateLimitsView local = new UserRateLimitsView(
                                    userId,
                                    bypass,
                                    multiplier,
                                    rules,
                                    notes,
                                    before.map(UserRateLimitsView::createdAt).orElse(now),
                                    now,
                                    version);
                            overrides.replace(userId, local);
                            return awaitView(userId, v -> v != null && v.version() >= version)
                                    .defaultIfEmpty(local);
                        }))
                .map(view -> new UpdateResponse(userId, true, ConfigResponse.of(view)))
                .timeout(TIMEOUT);
    }

    @PostMapping("/api/v1/admin/rate-limits/{userId}/reset")
    @Operation(summary = "Drop a user's overrides and counters")
    @ApiResponse(responseCode = "200", description = "Back to the defaults")
    @ApiResponse(responseCode = "404", description = "No such user")
    Mono<MessageResponse> reset(@PathVariable String userId, Caller caller, ServerHttpRequest http) {
        requireAdmin(caller);
        return existing(userId)
                .then(Mono.fromFuture(() -> commands.send(Origin.command(
                        new ResetUserRateLimitsCommand(RateLimitIds.overridesOf(userId), userId), caller, http))))
                .then(Mono.fromRunnable(() -> overrides.replace(userId, null)))
                .then(limiter.reset(RateLimiter.userIdentity(userId)))
                .then(awaitView(userId, v -> v == null))
                .thenReturn(new MessageResponse("Rate limits reset to defaults"))
                .timeout(TIMEOUT);
    }

    /** The read model's view once it passes {@code done}; empty if it does not within a few seconds. */
    private Mono<UserRateLimitsView> awaitView(String userId, java.util.function.Predicate<UserRateLimitsView> done) {
        return Mono.defer(() -> view(userId).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()))
                .filter(found -> done.test(found.orElse(null)))
                .repeatWhenEmpty(MAX_POLLS, polls -> polls.delayElements(POLL))
                .onErrorResume(IllegalStateException.class, e -> Mono.empty())
                .flatMap(Mono::justOrEmpty);
    }

    private Mono<UserRateLimitsView> view(String userId) {
        return Mono.fromFuture(() -> queries.query(new FindUserRateLimitsQuery(userId), UserRateLimitsView.class));
    }

    private Mono<UserView> existing(String userId) {
        return Mono.fromFuture(() -> queries.query(new FindUserQuery(userId), UserView.class))
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "User not found")));
    }

    static List<RateLimitRule> validate(UpdateRequest request) {
        List<Violation> problems = new ArrayList<>();
        Double multiplier = request.globalMultiplier();
        if (multiplier != null && (!(multiplier > 0) || multiplier > MAX_MULTIPLIER)) {
            problems.add(violation(
                    List.of("body", "global_multiplier"),
                    "global_multiplier must be greater than 0 and at most " + (int) MAX_MULTIPLIER));
        }
        if (request.notes() != null && request.notes().length() > MAX_NOTES_LENGTH) {
            problems.add(
                    violation(List.of("body", "notes"), "notes must be at most " + MAX_NOTES_LENGTH + " characters"));
        }
        List<RuleRequest> given = request.rules() == null ? List.of() : request.rules();
        if (given.size() > MAX_RULES) {
            problems.add(violation(List.of("body", "rules"), "At most " + MAX_RULES + " rules"));
            given = List.of();
        }
        List<RateLimitRule> rules = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            RuleRequest rule = given.get(i);
            String at = Integer.toString(i);
            if (rule == null) {
                problems.add(violation(List.of("body", "rules", at), "A rule must be an object"));
                continue;
            }
            int before = problems.size();
            String pattern = rule.endpointPattern();
            if (pattern == null || pattern.isBlank() || pattern.length() > MAX_PATTERN_LENGTH) {
                problems.add(violation(
                        List.of("body", "rules", at, "endpoint_pattern"),
                        "endpoint_pattern must be 1 to " + MAX_PATTERN_LENGTH + " characters"));
            } else {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    problems.add(violation(
                            List.of("body", "rules", at, "endpoint_pattern"),
                            "endpoint_pattern is not a valid regular expression"));
                }
            }
            EndpointGroup group = null;
            try {
                group = rule.group() == null ? null : EndpointGroup.fromWire(rule.group());
            } catch (IllegalArgumentException e) {
                // reported below
            }
            if (group == null) {
                problems.add(violation(
                        List.of("body", "rules", at, "group"),
                        "Input should be one of "
                                + Arrays.stream(EndpointGroup.values())
                                        .map(EndpointGroup::wireName)
                                        .toList()));
            }
            RateLimitAlgorithm algorithm = RateLimitAlgorithm.SLIDING_WINDOW;
            if (rule.algorithm() != null) {
                try {
                    algorithm = RateLimitAlgorithm.fromWire(rule.algorithm());
                } catch (IllegalArgumentException e) {
                    problems.add(violation(
                            List.of("body", "rules", at, "algorithm"),
                            "Supported algorithms: "
                                    + Arrays.stream(RateLimitAlgorithm.values())
                                            .map(RateLimitAlgorithm::wireName)
                                            .toList()));
                }
            }
            if (rule.requests() == null || rule.requests() < 1 || rule.requests() > MAX_REQUESTS) {
                problems.add(violation(
                        List.of("body", "rules", at, "requests"), "requests must be between 1 and " + MAX_REQUESTS));
            }
            if (rule.windowSeconds() == null || rule.windowSeconds() < 1 || rule.windowSeconds() > MAX_WINDOW_SECONDS) {
                problems.add(violation(
                        List.of("body", "rules", at, "window_seconds"),
                        "window_seconds must be between 1 and " + MAX_WINDOW_SECONDS));
            }
            double burst = rule.burstMultiplier() == null ? 1.5 : rule.burstMultiplier();
            if (!(burst >= 1) || burst > 10) {
                problems.add(violation(
                        List.of("body", "rules", at, "burst_multiplier"), "burst_multiplier must be between 1 and 10"));
            }
            int priority = rule.priority() == null ? 0 : rule.priority();
            if (priority < -1000 || priority > 1000) {
                problems.add(
                        violation(List.of("body", "rules", at, "priority"), "priority must be between -1000 and 1000"));
            }
            if (problems.size() == before) {
                rules.add(new RateLimitRule(
                        pattern,
                        group,
                        rule.requests(),
                        rule.windowSeconds(),
                        algorithm,
                        burst,
                        priority,
                        rule.enabled() == null || rule.enabled()));
            }
        }
        if (!problems.isEmpty()) {
            throw new RequestValidationException(problems);
        }
        return List.copyOf(rules);
    }

    private static Violation violation(List<String> loc, String msg) {
        return new Violation(loc, msg, "value_error");
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required");
        }
    }
}
