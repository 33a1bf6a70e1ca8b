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

    /**
     * Takes a place for the event stream {@code streamId} among those open under {@code key}, when fewer than
     * {@code cap} are held. A place is held until {@link #releaseStream}, or until {@code lease} has passed
     * without {@link #renewStreams}: the places of an instance that died come back by themselves.
     */
    Mono<Boolean> holdStream(String key, String streamId, int cap, Duration lease, long nowMillis);

    /** Extends the lease of those of these places that are still held. */
    Mono<Void> renewStreams(String key, Collection<String> streamIds, Duration lease, long nowMillis);

    /** Gives a stream's place back. */
    Mono<Void> releaseStream(String key, String streamId);

    /** A short name for logs and health: {@code memory} or {@code redis}. */
    String kind();
}
