package dev.sandpod.app.security;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Establishes the {@link Caller} from the session cookie and guards {@code /api}: 401 without a valid
 * session (except the public routes), 403 when an unsafe request lacks the session-bound CSRF token, 403
 * on admin routes for non-admins.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AuthenticationFilter implements WebFilter {

    public static final String ACCESS_COOKIE = "access_token";
    public static final String CSRF_COOKIE = "csrf_token";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private static final Set<String> CSRF_EXEMPT = Set.of("/api/v1/auth/login", "/api/v1/auth/register");
    private static final Set<String> PUBLIC_POSTS = CSRF_EXEMPT;
    private static final Set<String> PUBLIC_GETS = Set.of("/api/v1/health/live", "/api/v1/health/ready",
            "/api/v1/example-scripts", "/api/v1/k8s-limits");
    private static final Set<HttpMethod> UNSAFE = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    private final SessionTokens tokens;
    private final RevokedSessions revoked;
    AuthenticationFilter(SessionTokens tokens, RevokedSessions revoked) {
        this.tokens = tokens;
        this.revoked = revoked;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.startsWith("/api/")) {
            return chain.filter(exchange);
        }
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(ACCESS_COOKIE);
        var caller = tokens.verify(cookie == null ? null : cookie.getValue());
        Mono<Caller> session = caller.isEmpty() ? Mono.empty()
                : revoked.isRevoked(caller.get().sessionId()).flatMap(gone -> gone ? Mono.empty() : Mono.just(caller.get()));
        return session.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> {
                    HttpMethod method = exchange.getRequest().getMethod();
                    String normalized = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1)
                            : path;
                    if (found.isEmpty()) {
                        boolean open = (HttpMethod.GET.equals(method) && PUBLIC_GETS.contains(normalized))
                                || (HttpMethod.POST.equals(method) && PUBLIC_POSTS.contains(normalized));
                        return open ? chain.filter(exchange)
                                : reject(exchange, ErrorCode.UNAUTHORIZED, "Not authenticated");
                    }
                    Caller who = found.get();
                    if (UNSAFE.contains(method) && !CSRF_EXEMPT.contains(normalized) && !csrfValid(exchange, who)) {
                        return reject(exchange, ErrorCode.CSRF_FAILED, "CSRF validation failed");
                    }
                    if (normalized.startsWith("/api/v1/admin") && !who.isAdmin()) {
                        return reject(exchange, ErrorCode.ADMIN_REQUIRED, "Admin access required");
                    }
                    exchange.getAttributes().put(CallerArgumentResolver.ATTRIBUTE, who);
                    return chain.filter(exchange);
                });
    }

    private boolean csrfValid(ServerWebExchange exchange, Caller caller) {
        String header = exchange.getRequest().getHeaders().getFirst(CSRF_HEADER);
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(CSRF_COOKIE);
        if (header == null || cookie == null || !header.equals(cookie.getValue())) {
            return false;
        }
        return tokens.csrfMatches(header, caller.sessionId());
    }

    /** Rendered as {@code {detail, type}} by the API error handler, like every other failure. */
    private static Mono<Void> reject(ServerWebExchange exchange, ErrorCode code, String message) {
        return Mono.error(new SandpodException(code, message));
    }
}
