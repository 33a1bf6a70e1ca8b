package dev.sandpod.web.ratelimit;

import dev.sandpod.api.ratelimit.FindUserRateLimitsQuery;
import dev.sandpod.api.ratelimit.UserRateLimitsView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Each signed-in user's overrides as the filter needs them on every request: read from the overrides read
 * model, kept for {@code overrides-refresh}, and replaced at once when an admin changes them on this
 * instance.
 */
@Component
class UserOverrides {

    private static final Logger log = LoggerFactory.getLogger(UserOverrides.class);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    /** What applies to one user; {@link #NONE} when an admin set nothing. */
    record Effective(boolean bypass, double multiplier, List<CompiledRule> rules, UserRateLimitsView view) {}

    static final Effective NONE = new Effective(false, 1.0, List.of(), null);

    private record Entry(Effective effective, long loadedAt) {}

    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final QueryGateway queries;
    private final long refreshMillis;
    private final Clock clock = Clock.systemUTC();

    UserOverrides(QueryGateway queries, RateLimitProperties properties) {
        this.queries = queries;
        this.refreshMillis = properties.overridesRefresh().toMillis();
    }

    Mono<Effective> of(String userId) {
        long now = clock.millis();
        Entry entry = cache.get(userId);
        if (entry != null && now - entry.loadedAt() < refreshMillis) {
            return Mono.just(entry.effective());
        }
        return Mono.fromFuture(() -> queries.query(new FindUserRateLimitsQuery(userId), UserRateLimitsView.class))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(QUERY_TIMEOUT)
                .map(UserOverrides::effective)
                .defaultIfEmpty(NONE)
                .doOnNext(effective -> cache.put(userId, new Entry(effective, now)))
                .onErrorResume(e -> {
                    // the read model is unreachable: keep what we had rather than refuse every request
                    log.warn("Could not read the rate-limit overrides of a user; using the last known ones", e);
                    return Mono.just(entry == null ? NONE : entry.effective());
                });
    }

    /** An admin just changed them here: this instance applies the new ones from the next request on. */
    void replace(String userId, UserRateLimitsView view) {
        cache.put(userId, new Entry(view == null ? NONE : effective(view), clock.millis()));
    }

    /** Called by the housekeeping of {@link RateLimitConfiguration}. */
    void evictStale() {
        long now = clock.millis();
        cache.values().removeIf(entry -> now - entry.loadedAt() > Math.max(refreshMillis, 60_000));
    }

    static Effective effective(UserRateLimitsView view) {
        return new Effective(view.bypassRateLimit(), view.globalMultiplier(), CompiledRule.all(view.rules()), view);
    }
}
