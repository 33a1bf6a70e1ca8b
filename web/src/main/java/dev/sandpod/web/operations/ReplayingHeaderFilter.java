package dev.sandpod.web.operations;

import dev.sandpod.query.operations.ProcessorOperations;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * While a projection is being rebuilt, every API answer says so: {@code X-Projection-Replaying} names the
 * projections still rebuilding, whose read models the answer may show partly rebuilt.
 */
@Component
class ReplayingHeaderFilter implements WebFilter {

    static final String HEADER = "X-Projection-Replaying";

    private final ProcessorOperations operations;

    ReplayingHeaderFilter(ProcessorOperations operations) {
        this.operations = operations;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getPath().value().startsWith("/api/")) {
            exchange.getResponse().beforeCommit(() -> {
                List<String> replaying = operations.replaying();
                if (!replaying.isEmpty()) {
                    exchange.getResponse().getHeaders().set(HEADER, String.join(",", replaying));
                }
                return Mono.empty();
            });
        }
        return chain.filter(exchange);
    }
}
