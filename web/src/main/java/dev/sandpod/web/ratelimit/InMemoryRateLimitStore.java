package dev.sandpod.web.ratelimit;

import dev.sandpod.api.ratelimit.RateLimitAlgorithm;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Counters in this process: right for one instance (the embedded default), wrong for several, which must
 * share Redis. Idle counters are dropped by {@link #sweep}, so memory follows the active callers only.
 */
public class InMemoryRateLimitStore implements RateLimitStore {

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Expiring> values = new ConcurrentHashMap<>();
    /** Open streams per key: stream id → end of its lease. */
    private final Map<String, Map<String, Long>> streams = new ConcurrentHashMap<>();

    private interface Counter {
        Decision take(Limit limit, long now, boolean consume);

        boolean idle(long now);
    }

    /** Requests per slot of {@link Limit#slotMillis()}; the window is the last {@link Limit#slots()} slots. */
    private static final class SlottedWindow implements Counter {
        private final TreeMap<Long, Integer> slots = new TreeMap<>();
        private long expiresAt;

        @Override
        public synchronized Decision take(Limit limit, long now, boolean consume) {
            long slotMillis = limit.slotMillis();
            long current = Math.floorDiv(now, slotMillis);
            slots.headMap(current - limit.slots() + 1).clear();
            int count = slots.values().stream().mapToInt(Integer::intValue).sum();
            boolean allowed = count < limit.requests();
            if (allowed && consume) {
                slots.merge(current, 1, Integer::sum);
                count++;
                expiresAt = now + limit.windowMillis() + slotMillis;
            }
            long oldest = slots.isEmpty() ? current : slots.firstKey();
            long frees = (oldest + limit.slots()) * slotMillis;
            return new Decision(
                    allowed,
                    limit.requests(),
                    Math.max(0, limit.requests() - count),
                    slots.isEmpty() ? now : frees,
                    allowed ? 0 : Math.max(1, frees - now));
        }

        @Override
        public synchronized boolean idle(long now) {
            return now > expiresAt;
        }
    }

    private static final class TokenBucket implements Counter {
        private double tokens = -1;
        private long updatedAt;
        private long fullAt;

        @Override
        public synchronized Decision take(Limit limit, long now, boolean consume) {
            int capacity = limit.capacity();
            double rate = limit.refillRate();
            double available = tokens < 0 ? capacity : Math.min(capacity, tokens + Math.max(0, now - updatedAt) * rate);
            boolean allowed = available >= 1;
            if (consume) {
                tokens = allowed ? available - 1 : available;
                updatedAt = now;
                fullAt = now + (long) Math.ceil((capacity - tokens) / rate);
            }
            double left = consume ? tokens : available;
            return new Decision(
                    allowed,
                    capacity,
                    (int) Math.floor(left),
                    now + (long) Math.ceil((capacity - left) / rate),
                    allowed ? 0 : Math.max(1, (long) Math.ceil((1 - left) / rate)));
        }

        @Override
        public synchronized boolean idle(long now) {
            return tokens >= 0 && now > fullAt;
        }
    }

    private record Expiring(long value, long expiresAt) {
        boolean live(long now) {
            return now < expiresAt;
        }
    }

    @Override
    public Mono<Decision> acquire(String key, Limit limit, long nowMillis) {
        return Mono.fromSupplier(() -> counter(key, limit).take(limit, nowMillis, true));
    }

    @Override
    public Mono<Decision> peek(String key, Limit limit, long nowMillis) {
        return Mono.fromSupplier(() -> {
            Counter counter = counters.get(key);
            return counter == null ? fresh(limit).take(limit, nowMillis, false) : counter.take(limit, nowMillis, false);
        });
    }

    @Override
    public Mono<Void> delete(Collection<String> keys) {
        return Mono.fromRunnable(() -> keys.forEach(key -> {
            counters.remove(key);
            values.remove(key);
        }));
    }

    @Override
    public Mono<Long> recordFailure(String key, Duration window, long nowMillis) {
        return Mono.fromSupplier(() -> values.compute(
                        key,
                        (k, old) -> old == null || !old.live(nowMillis)
                                ? new Expiring(1, nowMillis + window.toMillis())
                                : new Expiring(old.value() + 1, old.expiresAt()))
                .value());
    }

    @Override
    public Mono<Void> lock(String key, Instant until, long nowMillis) {
        return Mono.fromRunnable(() -> values.put(key, new Expiring(until.toEpochMilli(), until.toEpochMilli())));
    }

    @Override
    public Mono<Instant> lockedUntil(String key, long nowMillis) {
        return Mono.fromSupplier(() -> {
            Expiring lock = values.get(key);
            return lock != null && lock.live(nowMillis) ? Instant.ofEpochMilli(lock.value()) : null;
        });
    }

    @Override
    public Mono<Boolean> holdStream(String key, String streamId, int cap, Duration lease, long nowMillis) {
        return Mono.fromSupplier(() -> {
            boolean[] held = {false};
            streams.compute(key, (k, open) -> {
                Map<String, Long> now = open == null ? new HashMap<>() : open;
                now.values().removeIf(end -> end <= nowMillis);
                if (now.size() < cap) {
                    now.put(streamId, nowMillis + lease.toMillis());
                    held[0] = true;
                }
                return now.isEmpty() ? null : now;
            });
            return held[0];
        });
    }

    @Override
    public Mono<Void> renewStreams(String key, Collection<String> streamIds, Duration lease, long nowMillis) {
        return Mono.fromRunnable(() -> streams.computeIfPresent(key, (k, open) -> {
            streamIds.forEach(id -> open.computeIfPresent(id, (i, end) -> nowMillis + lease.toMillis()));
            return open;
        }));
    }

    @Override
    public Mono<Void> releaseStream(String key, String streamId) {
        return Mono.fromRunnable(() -> streams.computeIfPresent(key, (k, open) -> {
            open.remove(streamId);
            return open.isEmpty() ? null : open;
        }));
    }

    @Override
    public String kind() {
        return "memory";
    }

    /** Drops counters that are back to full and values that have expired. */
    public void sweep(long nowMillis) {
        for (Iterator<Map.Entry<String, Counter>> it = counters.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().idle(nowMillis)) {
                it.remove();
            }
        }
        values.values().removeIf(v -> !v.live(nowMillis));
    }

    int size() {
        return counters.size() + values.size();
    }

    private Counter counter(String key, Limit limit) {
        return counters.computeIfAbsent(key, k -> fresh(limit));
    }

    private static Counter fresh(Limit limit) {
        return limit.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET ? new TokenBucket() : new SlottedWindow();
    }
}
