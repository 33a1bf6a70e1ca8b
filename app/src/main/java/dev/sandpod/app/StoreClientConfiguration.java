package dev.sandpod.app;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.mongo.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How long the Mongo driver waits for an unreachable store before failing (issue 20). The driver's own
 * defaults wait 30 s to select a server and 2 min for a pooled connection, so during a store outage every
 * request hung that long. With these, a request fails within about {@code server-selection-timeout} and is
 * answered 503 (web: {@code StoreErrors}); Axon's event store and token store, the read models and JobRunr
 * share this client, and their callers retry. Replies are not timed out (no socket read timeout): a
 * server that is gone closes or refuses the connection, which fails at once; a slow but live one is
 * waited for. 1.5 s for server selection because a request may meet the store twice before it fails (its
 * session's state, then its own read or command): two waits and the answer stay well inside 5 s.
 */
@Configuration(proxyBeanMethods = false)
class StoreClientConfiguration {

    @Bean
    MongoClientSettingsBuilderCustomizer storeOutageTimeouts(
            @Value("${sandpod.mongodb.server-selection-timeout:1500ms}") Duration serverSelection,
            @Value("${sandpod.mongodb.connect-timeout:2s}") Duration connect,
            @Value("${sandpod.mongodb.pool-wait-timeout:2s}") Duration poolWait) {
        return settings -> settings.applyToClusterSettings(
                        cluster -> cluster.serverSelectionTimeout(serverSelection.toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(socket -> socket.connectTimeout((int) connect.toMillis(), TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(pool -> pool.maxWaitTime(poolWait.toMillis(), TimeUnit.MILLISECONDS));
    }
}
