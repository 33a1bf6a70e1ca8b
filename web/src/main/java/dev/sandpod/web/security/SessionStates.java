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
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryGateway;
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
    private final QueryGateway queries;
    private final Clock clock = Clock.systemUTC();

    SessionStates(QueryGateway queries) {
        this.queries = queries;
    }

    /** The account's state for this session; empty when the users read model does not have the account (yet). */
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
        return Mono.fromFuture(
                        () -> queries.query(new FindSessionStateQuery(userId, sessionId), SessionStateView.class))
                // the users read model is read with the blocking Mongo driver: never on an event-loop thread
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(QUERY_TIMEOUT)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .doOnNext(state -> cache.put(key, new Cached(state, now)));
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
        cache.keySet().removeIf(key -> key.startsWith(prefix));
    }
}
