package dev.sandpod.web.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import reactor.core.publisher.Mono;

/**
 * Where counters live: in this process (one instance) or in Redis (shared by every instance). Both give the
 * same answers for the same calls; the login lockout keeps its counters here too.
 */
public interface RateLimitStore {

    /** Counts one request against {@code key} when the limit allows it. */
    Mono<Decision> acquire(String key, Limit limit, long nowMillis);

    /** What {@link #acquire} would answer, without counting anything. */
    Mono<Decision> peek(String key, Limit limit, long nowMillis);

    Mono<Void> delete(Collection<String> keys);

    /** Adds one failure to {@code key} and answers the failures within {@code window} of the first one. */
    Mono<Long> recordFailure(String key, Duration window, long nowMillis);

    /** Locks {@code key} until {@code until}. */
    Mono<Void> lock(String key, Instant until, long nowMillis);

    /** When the lock on {@code key} ends; empty when it is not locked. */
    Mono<Instant> lockedUntil(String key, long nowMillis);

    /** A short name for logs and health: {@code memory} or {@code redis}. */
    String kind();
}
