package dev.sandpod.web.security;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import java.time.Duration;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Cross-origin calls to the API only from the configured origins ({@code sandpod.security.cors-allowed-origins}),
 * with credentials; none by default, as the SPA is served from the API's own origin. A refused cross-origin
 * request gets a JSON 403 like every other refusal.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)
class CorsFilter implements WebFilter {

    private final CorsConfiguration config;
    private final DefaultCorsProcessor processor = new DefaultCorsProcessor();

    CorsFilter(SecurityProperties properties) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(properties.corsAllowedOrigins());
        cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of(
                "Content-Type", AuthenticationFilter.CSRF_HEADER, "Idempotency-Key", "Last-Event-ID", "Accept"));
        cors.setExposedHeaders(
                List.of("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"));
        cors.setAllowCredentials(true);
        cors.setMaxAge(Duration.ofHours(1));
        this.config = cors;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.startsWith("/api/") || !CorsUtils.isCorsRequest(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        boolean allowed = processor.process(config, exchange);
        if (!allowed) {
            exchange.getResponse().getHeaders().remove("Vary");
            return Mono.error(new SandpodException(ErrorCode.FORBIDDEN, "Cross-origin request not allowed"));
        }
        if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
            return Mono.empty();
        }
        return chain.filter(exchange);
    }
}
