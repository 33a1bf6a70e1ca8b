package dev.sandpod.web.ratelimit;

import dev.sandpod.api.ratelimit.EndpointGroup;
import dev.sandpod.api.ratelimit.RateLimitAlgorithm;
import dev.sandpod.api.ratelimit.RateLimitRule;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limiting (docs/architecture.md).
 *
 * @param enabled                   off only in test contexts that submit in bulk: no counting and no cap on
 *                                  open event streams; the other front-door checks (lockout, size limit) stay on
 * @param store                     {@code auto} (Redis when {@code sandpod.redis.url} is set, else memory),
 *                                  {@code memory} or {@code redis}
 * @param rules                     the default rules; empty means the built-in defaults
 * @param sseMaxConnectionsPerUser  open event streams one user (or address) may hold on one instance; 0 = no cap
 * @param overridesRefresh          how long an instance trusts its copy of a user's overrides; a change made on
 *                                  this instance counts at once, one made on another within this time
 * @param keyPrefix                 prefix of every counter key in the shared store
 */
@ConfigurationProperties("sandpod.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("auto") String store,
        List<RuleProperties> rules,
        @DefaultValue("10") int sseMaxConnectionsPerUser,
        @DefaultValue("2s") Duration overridesRefresh,
        @DefaultValue("sandpod:") String keyPrefix) {

    public record RuleProperties(
            String endpointPattern,
            EndpointGroup group,
            int requests,
            int windowSeconds,
            @DefaultValue("sliding_window") String algorithm,
            @DefaultValue("1.5") double burstMultiplier,
            @DefaultValue("0") int priority,
            @DefaultValue("true") boolean enabled) {

        RateLimitRule toRule() {
            return new RateLimitRule(
                    endpointPattern,
                    group,
                    requests,
                    windowSeconds,
                    RateLimitAlgorithm.fromWire(algorithm),
                    burstMultiplier,
                    priority,
                    enabled);
        }
    }

    /**
     * The built-in defaults, per signed-in user (per client address for anonymous callers): execute 10/60 s,
     * auth 20/60 s, admin 100/60 s, event-stream connects 180/60 s, the rest of the API 1200/60 s.
     *
     * <p>Sized for a person, not for the reference numbers (SSE 5, API 60), which answered 429 to ordinary SPA
     * sessions: every page load asks for the session, the settings, the unread notifications and the page's
     * own data, and opens a new notification stream. Two tabs of one person clicking through every page at
     * one action every 1.5 s made about 210 API calls a minute against this app on a busy 2-core machine, 25
     * of them stream connects, and 255 against an instant stand-in backend (the browser journey
     * {@code frontend/e2e/two-tabs.test.mjs} prints its own figures). The defaults leave about five times
     * that, while a script sending hundreds of calls a second is refused within seconds. Executions, which
     * cost a sandbox each, keep their 10 a minute; open streams are also capped at
     * {@code sse-max-connections-per-user} at once.
     */
    static final List<RateLimitRule> BUILT_IN_DEFAULTS = List.of(
            new RateLimitRule(
                    "^/api/v1/(execute|executions/[^/]+/retry)/?$",
                    EndpointGroup.EXECUTION,
                    10,
                    60,
                    RateLimitAlgorithm.SLIDING_WINDOW,
                    1.5,
                    10,
                    true),
            new RateLimitRule(
                    "^/api/v1/(events/executions/[^/]+|events/notifications/stream"
                            + "|admin/events/replay/[^/]+/status)/?$",
                    EndpointGroup.SSE,
                    180,
                    60,
                    RateLimitAlgorithm.SLIDING_WINDOW,
                    1.5,
                    9,
                    true),
            new RateLimitRule(
                    "^/api/v1/auth/(login|register)/?$",
                    EndpointGroup.AUTH,
                    20,
                    60,
                    RateLimitAlgorithm.SLIDING_WINDOW,
                    1.5,
                    8,
                    true),
            new RateLimitRule(
                    "^/api/v1/admin/.*", EndpointGroup.ADMIN, 100, 60, RateLimitAlgorithm.SLIDING_WINDOW, 1.5, 5, true),
            new RateLimitRule(
                    "^/api/v1/.*", EndpointGroup.API, 1200, 60, RateLimitAlgorithm.SLIDING_WINDOW, 1.5, 1, true));

    List<RateLimitRule> defaultRules() {
        return rules == null || rules.isEmpty()
                ? BUILT_IN_DEFAULTS
                : rules.stream().map(RuleProperties::toRule).toList();
    }
}
