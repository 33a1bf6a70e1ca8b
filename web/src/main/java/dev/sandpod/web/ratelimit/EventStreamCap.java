package dev.sandpod.web.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Open event streams per identity (H24), counted in the rate-limit store: in this process by default, in Redis
 * (every instance together) when it is shared. Beyond the cap a new stream is refused with 429; a place is given
 * back when its stream ends, however it ends. Each place is a lease that this instance renews while the stream is
 * open, so the places of an instance that died without giving them back are free again after {@link #LEASE}.
 * When the store cannot be reached the stream opens (logged), as a request passes the filter then.
 */
@Component
class EventStreamCap implements DisposableBean {

    static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration RENEW_EVERY = LEASE.dividedBy(3);
    private static final Logger log = LoggerFactory.getLogger(EventStreamCap.class);

    /** A place held: its key in the store and the stream's id; {@code null} place = not counted. */
    record Place(String key, String streamId) {}

    private final RateLimitStore store;
    private final String prefix;
    private final int cap;
    private final Clock clock = Clock.systemUTC();
    /** The places this instance holds, by key, for renewal. */
    private final Map<String, Set<String>> held = new ConcurrentHashMap<>();

    private final Disposable renewal;

    EventStreamCap(RateLimitProperties properties, RateLimitStore store) {
        this.store = store;
        this.prefix = properties.keyPrefix() + "streams:";
        this.cap = properties.sseMaxConnectionsPerUser();
        this.renewal = Flux.interval(RENEW_EVERY)
                .concatMap(tick -> renewAll().onErrorResume(e -> {
                    log.warn("Could not renew the event-stream places: {}", e.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    int cap() {
        return cap;
    }

    /** A place for a new stream of {@code identity}; empty when the cap is reached. */
    Mono<Place> tryOpen(String identity) {
        Place none = new Place(null, null);
        if (cap <= 0) {
            return Mono.just(none);
        }
        Place place = new Place(prefix + identity, UUID.randomUUID().toString());
        return store.holdStream(place.key(), place.streamId(), cap, LEASE, clock.millis())
                .onErrorResume(e -> {
                    log.warn("Event-stream cap unavailable; letting the stream open: {}", e.toString());
                    return Mono.just(Boolean.TRUE);
                })
                .flatMap(allowed -> {
                    if (!allowed) {
                        return Mono.empty();
                    }
                    held.computeIfAbsent(place.key(), k -> ConcurrentHashMap.newKeySet())
                            .add(place.streamId());
                    return Mono.just(place);
                });
    }

    void close(Place place) {
        if (place.key() == null) {
            return;
        }
        held.computeIfPresent(place.key(), (k, ids) -> {
            ids.remove(place.streamId());
            return ids.isEmpty() ? null : ids;
        });
        store.releaseStream(place.key(), place.streamId())
                .subscribe(
                        x -> {},
                        e -> log.warn("Event-stream place not given back (its lease ends it): {}", e.toString()));
    }

    private Mono<Void> renewAll() {
        long now = clock.millis();
        return Flux.fromIterable(Map.copyOf(held).entrySet())
                .concatMap(e -> store.renewStreams(e.getKey(), List.copyOf(e.getValue()), LEASE, now))
                .then();
    }

    @Override
    public void destroy() {
        renewal.dispose();
    }
}
