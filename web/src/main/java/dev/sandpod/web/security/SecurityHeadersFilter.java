package dev.sandpod.web.security;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Hardening headers on every response — API, SPA, static files and errors alike (they are set just before
 * the response is committed, after any handler or error handler has written its own headers).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class SecurityHeadersFilter implements WebFilter {

    private final SecurityProperties properties;
    private final ClientAddress clients;

    SecurityHeadersFilter(SecurityProperties properties, ClientAddress clients) {
        this.properties = properties;
        this.clients = clients;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        boolean secure = clients.isSecure(exchange.getRequest());
        exchange.getResponse().beforeCommit(() -> {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
            headers.set("Content-Security-Policy", properties.contentSecurityPolicy());
            headers.set("Cross-Origin-Opener-Policy", "same-origin");
            headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
            if (secure) {
                headers.set(
                        "Strict-Transport-Security",
                        "max-age=" + properties.hstsMaxAge().toSeconds() + "; includeSubDomains");
            }
            return Mono.empty();
        });
        return chain.filter(exchange);
    }
}
