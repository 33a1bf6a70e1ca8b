package dev.sandpod.app.security;

import dev.sandpod.api.user.IsSessionRevokedQuery;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Sessions that were logged out. A logout on this instance counts at once (local set); one on another
 * instance arrives through the users read model.
 */
@Component
class RevokedSessions {

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private final Set<String> local = ConcurrentHashMap.newKeySet();
    private final QueryGateway queries;

    RevokedSessions(QueryGateway queries) {
        this.queries = queries;
    }

    void revoke(String sessionId) {
        local.add(sessionId);
    }

    Mono<Boolean> isRevoked(String sessionId) {
        if (local.contains(sessionId)) {
            return Mono.just(true);
        }
        return Mono.fromFuture(() -> queries.query(new IsSessionRevokedQuery(sessionId), Boolean.class))
                .timeout(QUERY_TIMEOUT)
                .map(Boolean.TRUE::equals)
                .defaultIfEmpty(false);
    }
}
