package dev.sandpod.web.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** The Redis store against a real {@code redis-server} started for this test on a free port. */
class RedisRateLimitStoreTest extends RateLimitStoreContract {

    private static RedisProcess redis;
    private static LettuceConnectionFactory connections;
    private static RedisRateLimitStore store;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisProcess.start();
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
        connections.afterPropertiesSet();
        connections.start();
        store = new RedisRateLimitStore(new ReactiveStringRedisTemplate(connections));
    }

    @AfterAll
    static void stopRedis() {
        if (connections != null) {
            connections.destroy();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    RateLimitStore store() {
        return store;
    }

    @Test
    void countersExpireInRedisOnceTheirWindowHasPassed() {
        var template = new ReactiveStringRedisTemplate(connections);
        Limit oneSecond = new Limit(dev.sandpod.api.ratelimit.RateLimitAlgorithm.SLIDING_WINDOW, 5, 1_000, 1);
        store.acquire("expiring", oneSecond, System.currentTimeMillis()).block();
        assertThat(template.hasKey("expiring").block()).isTrue();

        // Redis expires the key by itself once the one-second window has passed; nobody deletes it.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !template.hasKey("expiring").block());
    }

    @Test
    void twoStoresOnOneRedisShareTheirCounters() {
        var other = new RedisRateLimitStore(new ReactiveStringRedisTemplate(connections));
        Limit three = new Limit(dev.sandpod.api.ratelimit.RateLimitAlgorithm.SLIDING_WINDOW, 3, 60_000, 1);
        long now = System.currentTimeMillis();
        store.acquire("shared", three, now).block();
        other.acquire("shared", three, now).block();
        store.acquire("shared", three, now).block();

        assertThat(other.acquire("shared", three, now).block().allowed()).isFalse();
        store.delete(List.of("shared")).block();
    }
}
