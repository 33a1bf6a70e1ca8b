package dev.sandpod.web.security;

import dev.sandpod.api.user.FindSessionStateQuery;
import dev.sandpod.api.user.SessionStateView;
import dev.sandpod.api.user.UserDeletedEvent;
import dev.sandpod.api.user.UserDetailsChangedEvent;
import dev.sandpod.api.user.UserSessionsEndedEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The account state every signed-in request is checked against, read from the users read model and kept
 * for {@link #FRESH} per session — a flood from one session costs one read a second, not one per request.
 *
 * <p>Changes made on this instance count at once, whatever is cached: this is a subscribing event handler
 * (it runs as the event is published, before the command's caller gets its answer) that records the least
 * session version each account now accepts, and its deletion. Changes made on another instance arrive
 * through the read model, within {@link #FRESH} of the read model having them.
 */
@Component
@ProcessingGroup(SessionStates.PROCESSING_GROUP)
class SessionStates {

    /** Configured as a subscribing processor in application.yml. */
    static final String PROCESSING_GROUP = "front-door-sessions";

    static final Duration FRESH = Duration.ofSeconds(1);
    /** Far longer than the read model's lag: by then it has every change the floors stand for. */
    private static final Duration FLOOR_KEPT = Duration.ofMinutes(10);

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    private static final int SWEEP_ABOVE = 10_000;

    private record Cached(Optional<SessionStateView> state, long readAt) {}

    private record Floor(long minVersion, boolean deleted, long setAt) {
        Floor merge(Floor other) {
            return new Floor(
                    Math.max(minVersion, other.minVersion), deleted || other.deleted, Math.max(setAt, other.setAt));
        }
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Floor> floors = new ConcurrentHashMap<>();
    /** The read under way per session, shared by the requests that find the copy stale meanwhile. */
    private final Map<String, Mono<Optional<SessionStateView>>> reading = new ConcurrentHashMap<>();
    /** Bumped by every change seen here: a read begun before it must not be cached. */
    private final AtomicLong evictions = new AtomicLong();

    private final QueryGateway queries;
    private final Clock clock;

    @Autowired
    SessionStates(QueryGateway queries) {
        this(queries, Clock.systemUTC());
    }

    SessionStates(QueryGateway queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    /**
     * The account's state for this session; empty when the users read model does not have the account (yet).
     *
     * <p>When the copy is stale, the requests of that session that arrive meanwhile share one read instead of
     * each starting its own: 32 connections of one client all found the copy stale in the same millisecond and
     * sent 32 queries, each then finishing its request on a blocking-pool thread (issue 21, reads). A read that
     * started before a change seen here ({@link #evict}) neither fills the cache nor serves requests after it.
     */
    Mono<Optional<SessionStateView>> of(String userId, String sessionId) {
        String key = userId + "|" + sessionId;
        long now = clock.millis();
        Cached cached = cache.get(key);
        if (cached != null && now - cached.readAt() < FRESH.toMillis()) {
            return Mono.just(cached.state());
        }
        if (cache.size() > SWEEP_ABOVE) {
            cache.values().removeIf(c -> now - c.readAt() >= FRESH.toMillis());
            floors.values().removeIf(f -> now - f.setAt() > FLOOR_KEPT.toMillis());
        }
        return reading.computeIfAbsent(key, k -> read(k, userId, sessionId, now))
                // each request goes on on a thread of its own, as when each read for itself: the shared answer
                // would otherwise run every joined request's handler one after another on the thread that read it
                .publishOn(Schedulers.boundedElastic());
    }

    private Mono<Optional<SessionStateView>> read(String key, String userId, String sessionId, long now) {
        long generation = evictions.get();
        AtomicReference<Mono<Optional<SessionStateView>>> self = new AtomicReference<>();
        self.set(Mono.fromFuture(
                        () -> queries.query(new FindSessionStateQuery(userId, sessionId), SessionStateView.class))
                // the users read model is read with the blocking Mongo driver: never on an event-loop thread
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(QUERY_TIMEOUT)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .doOnNext(state -> {
                    synchronized (evictions) {
                        if (evictions.get() == generation) {
                            cache.put(key, new Cached(state, now));
                        }
                    }
                })
                // before the answer goes on: a request after it finds the cache (or a failure: a new read)
                .doOnTerminate(() -> reading.remove(key, self.get()))
                .doOnCancel(() -> reading.remove(key, self.get()))
                // every request that joined gets this one answer; later ones find it in the cache
                .cache());
        return self.get();
    }

    /** Whether this instance has seen the account deleted, or its sessions before {@code tokenVersion} ended. */
    boolean endedHere(String userId, long tokenVersion) {
        Floor floor = floors.get(userId);
        return floor != null && (floor.deleted() || tokenVersion < floor.minVersion());
    }

    /** Whether this instance has seen the account deleted. */
    boolean deletedHere(String userId) {
        Floor floor = floors.get(userId);
        return floor != null && floor.deleted();
    }

    @EventHandler
    void on(UserSessionsEndedEvent event) {
        floors.merge(event.userId(), new Floor(event.tokenVersion(), false, clock.millis()), Floor::merge);
        evict(event.userId());
    }

    @EventHandler
    void on(UserDeletedEvent event) {
        floors.merge(event.userId(), new Floor(0, true, clock.millis()), Floor::merge);
        evict(event.userId());
    }

    @EventHandler
    void on(UserDetailsChangedEvent event) {
        evict(event.userId());
    }

    private void evict(String userId) {
        String prefix = userId + "|";
        synchronized (evictions) {
            evictions.incrementAndGet();
            cache.keySet().removeIf(key -> key.startsWith(prefix));
            reading.keySet().removeIf(key -> key.startsWith(prefix));
        }
    }
}
