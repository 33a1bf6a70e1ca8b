package dev.sandpod.web.ratelimit;

import dev.sandpod.api.ratelimit.RateLimitAlgorithm;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Counters in Redis, shared by every app instance. Each decision is one Lua script, so concurrent
 * requests on different instances never both take the last place. The app's clock is passed in, not Redis's,
 * so that both stores answer alike.
 */
public class RedisRateLimitStore implements RateLimitStore {

    /** A hash of slot number → requests; slots older than the window are dropped on every call. */
    private static final RedisScript<List> SLIDING_WINDOW = RedisScript.of("""
            local now = tonumber(ARGV[1])
            local slotMs = tonumber(ARGV[2])
            local n = tonumber(ARGV[3])
            local limit = tonumber(ARGV[4])
            local consume = tonumber(ARGV[5])
            local current = math.floor(now / slotMs)
            local first = current - n + 1
            local data = redis.call('HGETALL', KEYS[1])
            local count = 0
            local oldest = -1
            for i = 1, #data, 2 do
              local slot = tonumber(data[i])
              if slot < first then
                redis.call('HDEL', KEYS[1], data[i])
              else
                count = count + tonumber(data[i + 1])
                if oldest == -1 or slot < oldest then oldest = slot end
              end
            end
            local allowed = 0
            if count < limit then
              allowed = 1
              if consume == 1 then
                redis.call('HINCRBY', KEYS[1], tostring(current), 1)
                count = count + 1
                if oldest == -1 then oldest = current end
                redis.call('PEXPIRE', KEYS[1], (n + 1) * slotMs)
              end
            end
            return {allowed, count, oldest}
            """, List.class);

    /** A hash of tokens (as text, fractions kept) and the time they were counted. */
    private static final RedisScript<List> TOKEN_BUCKET = RedisScript.of("""
            local now = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            local rate = tonumber(ARGV[3])
            local consume = tonumber(ARGV[4])
            local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(data[1])
            local ts = tonumber(data[2])
            if tokens == nil or ts == nil then
              tokens = capacity
              ts = now
            end
            local elapsed = now - ts
            if elapsed < 0 then elapsed = 0 end
            tokens = math.min(capacity, tokens + elapsed * rate)
            local allowed = 0
            if tokens >= 1 then allowed = 1 end
            if consume == 1 then
              if allowed == 1 then tokens = tokens - 1 end
              redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
              redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
            end
            return {allowed, tostring(tokens)}
            """, List.class);

    private static final RedisScript<Long> RECORD_FAILURE = RedisScript.of("""
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return count
            """, Long.class);

    /** A sorted set of stream id → end of its lease; expired leases are dropped before counting. */
    private static final RedisScript<Long> HOLD_STREAM = RedisScript.of("""
            local now = tonumber(ARGV[1])
            local cap = tonumber(ARGV[2])
            local lease = tonumber(ARGV[3])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) < cap then
              redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
              redis.call('PEXPIRE', KEYS[1], lease)
              return 1
            end
            return 0
            """, Long.class);

    private static final RedisScript<Long> RENEW_STREAMS = RedisScript.of("""
            local ends = tonumber(ARGV[1]) + tonumber(ARGV[2])
            for i = 3, #ARGV do
              redis.call('ZADD', KEYS[1], 'XX', ends, ARGV[i])
            end
            if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return 1
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;

    public RedisRateLimitStore(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    @Override
    public Mono<Decision> acquire(String key, Limit limit, long nowMillis) {
        return decide(key, limit, nowMillis, true);
    }

    @Override
    public Mono<Decision> peek(String key, Limit limit, long nowMillis) {
        return decide(key, limit, nowMillis, false);
    }

    private Mono<Decision> decide(String key, Limit limit, long now, boolean consume) {
        String flag = consume ? "1" : "0";
        if (limit.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET) {
            return redis.execute(
                            TOKEN_BUCKET,
                            List.of(key),
                            List.of(
                                    Long.toString(now),
                                    Integer.toString(limit.capacity()),
                                    Double.toString(limit.refillRate()),
                                    flag))
                    .collectList()
                    .map(RedisRateLimitStore::reply)
                    .map(result -> {
                        boolean allowed = number(result.get(0)) == 1;
                        double left = Double.parseDouble(String.valueOf(result.get(1)));
                        double rate = limit.refillRate();
                        return new Decision(
                                allowed,
                                limit.capacity(),
                                (int) Math.floor(left),
                                now + (long) Math.ceil((limit.capacity() - left) / rate),
                                allowed ? 0 : Math.max(1, (long) Math.ceil((1 - left) / rate)));
                    });
        }
        long slotMillis = limit.slotMillis();
        return redis.execute(
                        SLIDING_WINDOW,
                        List.of(key),
                        List.of(
                                Long.toString(now),
                                Long.toString(slotMillis),
                                Integer.toString(limit.slots()),
                                Integer.toString(limit.requests()),
                                flag))
                .collectList()
                .map(RedisRateLimitStore::reply)
                .map(result -> {
                    boolean allowed = number(result.get(0)) == 1;
                    long count = number(result.get(1));
                    long oldest = number(result.get(2));
                    long frees = (oldest + limit.slots()) * slotMillis;
                    return new Decision(
                            allowed,
                            limit.requests(),
                            (int) Math.max(0, limit.requests() - count),
                            oldest < 0 ? now : frees,
                            allowed ? 0 : Math.max(1, frees - now));
                });
    }

    @Override
    public Mono<Void> delete(Collection<String> keys) {
        return keys.isEmpty()
                ? Mono.empty()
                : redis.delete(keys.toArray(String[]::new)).then();
    }

    @Override
    public Mono<Long> recordFailure(String key, Duration window, long nowMillis) {
        return redis.execute(RECORD_FAILURE, List.of(key), List.of(Long.toString(window.toMillis())))
                .next();
    }

    @Override
    public Mono<Void> lock(String key, Instant until, long nowMillis) {
        long ttl = Math.max(1, until.toEpochMilli() - nowMillis);
        return redis.opsForValue()
                .set(key, Long.toString(until.toEpochMilli()), Duration.ofMillis(ttl))
                .then();
    }

    @Override
    public Mono<Instant> lockedUntil(String key, long nowMillis) {
        return redis.opsForValue()
                .get(key)
                .map(Long::parseLong)
                .filter(until -> until > nowMillis)
                .map(Instant::ofEpochMilli);
    }

    @Override
    public Mono<Boolean> holdStream(String key, String streamId, int cap, Duration lease, long nowMillis) {
        return redis.execute(
                        HOLD_STREAM,
                        List.of(key),
                        List.of(
                                Long.toString(nowMillis),
                                Integer.toString(cap),
                                Long.toString(lease.toMillis()),
                                streamId))
                .next()
                .map(held -> held == 1);
    }

    @Override
    public Mono<Void> renewStreams(String key, Collection<String> streamIds, Duration lease, long nowMillis) {
        if (streamIds.isEmpty()) {
            return Mono.empty();
        }
        List<String> args = new ArrayList<>();
        args.add(Long.toString(nowMillis));
        args.add(Long.toString(lease.toMillis()));
        args.addAll(streamIds);
        return redis.execute(RENEW_STREAMS, List.of(key), args).then();
    }

    @Override
    public Mono<Void> releaseStream(String key, String streamId) {
        return redis.opsForZSet().remove(key, streamId).then();
    }

    @Override
    public String kind() {
        return "redis";
    }

    /** A script's array reply, whether the driver hands it over as one list or element by element. */
    private static List<?> reply(List<?> items) {
        return items.size() == 1 && items.get(0) instanceof List<?> list ? list : items;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    }
}
