package dev.sandpod.app.cluster;

import dev.sandpod.projections.live.LiveUpdates;
import dev.sandpod.projections.live.LocalLiveUpdates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * Live updates through Redis when {@code sandpod.redis.url} ({@code SANDPOD_REDIS_URL}) is set and
 * {@code sandpod.live-updates.bus} is not {@code local}; otherwise the projections' updates stay in this JVM
 * ({@link LocalLiveUpdates}, the only {@link LiveUpdates} then).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${sandpod.redis.url:}'.isBlank() and '${sandpod.live-updates.bus:auto}' != 'local'")
class LiveUpdatesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LiveUpdatesConfiguration.class);

    @Bean(destroyMethod = "destroy")
    ReactiveRedisMessageListenerContainer liveUpdateListeners(ReactiveRedisConnectionFactory connections) {
        return new ReactiveRedisMessageListenerContainer(connections);
    }

    @Bean
    @Primary
    RedisLiveUpdates redisLiveUpdates(
            ReactiveRedisConnectionFactory connections,
            ReactiveRedisMessageListenerContainer liveUpdateListeners,
            LocalLiveUpdates local) {
        log.info("Live updates (execution frames, notifications) travel through Redis, to every instance");
        return new RedisLiveUpdates(new ReactiveStringRedisTemplate(connections), liveUpdateListeners, local);
    }
}
