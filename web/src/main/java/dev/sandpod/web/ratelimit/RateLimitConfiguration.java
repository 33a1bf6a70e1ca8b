package dev.sandpod.web.ratelimit;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Picks the counter store: Redis when {@code sandpod.redis.url} ({@code SANDPOD_REDIS_URL}) is set or
 * {@code sandpod.rate-limit.store=redis}, else this process's memory (one instance only).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RateLimitProperties.class)
class RateLimitConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(60);

    @Bean
    RateLimitStore rateLimitStore(
            RateLimitProperties properties,
            Environment environment,
            ObjectProvider<ReactiveRedisConnectionFactory> redis) {
        String store = properties.store().trim().toLowerCase(java.util.Locale.ROOT);
        boolean redisConfigured =
                !environment.getProperty("sandpod.redis.url", "").isBlank();
        boolean useRedis = switch (store) {
            case "redis" -> true;
            case "memory" -> false;
            case "auto" -> redisConfigured;
            default -> throw new IllegalStateException("sandpod.rate-limit.store must be auto, memory or redis");
        };
        if (useRedis) {
            ReactiveRedisConnectionFactory factory = redis.getIfAvailable();
            if (factory == null) {
                throw new IllegalStateException("Rate limits in Redis need spring.data.redis.* (SANDPOD_REDIS_URL)");
            }
            log.info("Rate-limit and lockout counters are kept in Redis, shared by every instance");
            return new RedisRateLimitStore(new ReactiveStringRedisTemplate(factory));
        }
        log.info("Rate-limit and lockout counters are kept in memory (one instance only)");
        return new InMemoryRateLimitStore();
    }

    /** Drops idle counters of the memory store and stale copies of users' overrides. */
    @Bean
    SmartLifecycle rateLimitHousekeeping(RateLimitStore store, UserOverrides overrides) {
        Clock clock = Clock.systemUTC();
        return new SmartLifecycle() {
            private Disposable task;

            @Override
            public void start() {
                task = Schedulers.parallel()
                        .schedulePeriodically(
                                () -> {
                                    if (store instanceof InMemoryRateLimitStore memory) {
                                        memory.sweep(clock.millis());
                                    }
                                    overrides.evictStale();
                                },
                                SWEEP_EVERY.toMillis(),
                                SWEEP_EVERY.toMillis(),
                                java.util.concurrent.TimeUnit.MILLISECONDS);
            }

            @Override
            public void stop() {
                if (task != null) {
                    task.dispose();
                }
            }

            @Override
            public boolean isRunning() {
                return task != null && !task.isDisposed();
            }
        };
    }
}
