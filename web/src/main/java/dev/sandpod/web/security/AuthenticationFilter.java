package dev.sandpod.web.security;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.user.AccessTokenScope;
import dev.sandpod.api.user.SessionStateView;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.web.Caller;
import dev.sandpod.command.user.AccessTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Establishes the {@link Caller} from the session cookie and guards {@code /api}: 401 without a valid
 * session (except the public routes: login, registration, the health tree and a few public reads, whose
 * {@code HEAD} is as open as their {@code GET}), 403 when an unsafe request lacks the session-bound CSRF
 * token, 403 on admin routes for non-admins. Actuator endpoints other than the public ones (health) need
 * an admin session; the metrics endpoints also take the configured scrape token ({@link ScrapeToken}).
 *
 * <p>A token is valid while it is signed, unexpired, younger than the current {@code session_timeout_minutes},
 * not logged out, and carries the account's current session version: a password change, a deactivation, a
 * role change or a deletion ends every older token at once.
 *
 * <p>A request with {@code Authorization: Bearer <personal access token>} needs no cookie and no CSRF token:
 * the token is looked up in the shared store on every request ({@link AccessTokens}), so a revoked or expired
 * one is refused (401) at once on every instance, and a route outside its scopes is 403 ({@link TokenScopes}).
 * Without the {@code admin} scope the caller acts as a plain user, whatever the account's role.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AuthenticationFilter implements WebFilter {

    public static final String ACCESS_COOKIE = "access_token";
    public static final String CSRF_COOKIE = "csrf_token";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    /** Grafana's alert intake authenticates with a shared-secret header, not a session (no cookie, no CSRF). */
    private static final Set<String> CSRF_EXEMPT =
            Set.of("/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/alerts/grafana");

    private static final Set<String> PUBLIC_POSTS = CSRF_EXEMPT;
    private static final Set<String> PUBLIC_GETS = Set.of("/api/v1/example-scripts", "/api/v1/k8s-limits");
    /** Probes carry no session: everything under it is open, so a wrong probe path is a 404, not a 401. */
    private static final String HEALTH = "/api/v1/health";
    /** What a metrics scraper reads with the scrape token instead of a session. */
    private static final Set<String> SCRAPE_ENDPOINTS = Set.of("prometheus", "metrics");

    private static final Set<HttpMethod> UNSAFE =
            Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    private final SessionTokens tokens;
    private final RevokedSessions revoked;
    private final SessionStates states;
    private final CurrentSettings settings;
    private final SecurityProperties properties;
    private final ScrapeToken scrapeToken;
    private final AccessTokens accessTokens;
    private final Clock clock;

    @Autowired
    AuthenticationFilter(
            SessionTokens tokens,
            RevokedSessions revoked,
            SessionStates states,
            CurrentSettings settings,
            SecurityProperties properties,
            AccessTokens accessTokens) {
        this(tokens, revoked, states, settings, properties, accessTokens, Clock.systemUTC());
    }

    AuthenticationFilter(
            SessionTokens tokens,
            RevokedSessions revoked,
            SessionStates states,
            CurrentSettings settings,
            SecurityProperties properties,
            AccessTokens accessTokens,
            Clock clock) {
        this.accessTokens = accessTokens;
        this.tokens = tokens;
        this.revoked = revoked;
        this.states = states;
        this.settings = settings;
        this.properties = properties;
        this.scrapeToken = new ScrapeToken(properties.metricsScrapeToken());
        this.clock = clock;
    }

    /** The signed-in caller of this request, once this filter has run. */
    public static Optional<Caller> callerOf(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(CallerArgumentResolver.ATTRIBUTE));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            return actuator(exchange, chain, path);
        }
        if (!path.startsWith("/api/")) {
            return chain.filter(exchange);
        }
        String bearer = ScrapeToken.bearerOf(exchange.getRequest().getHeaders());
        if (bearer != null && !path.equals(HEALTH) && !path.startsWith(HEALTH + "/")) {
            return bearer(exchange, chain, path, bearer);
        }
        return session(exchange).flatMap(found -> {
            HttpMethod method = exchange.getRequest().getMethod();
            String normalized = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
            if (found.isEmpty()) {
                boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
                boolean open = normalized.equals(HEALTH)
                        || normalized.startsWith(HEALTH + "/")
                        || (read && PUBLIC_GETS.contains(normalized))
                        || (HttpMethod.POST.equals(method) && PUBLIC_POSTS.contains(normalized));
                return open ? chain.filter(exchange) : reject(ErrorCode.UNAUTHORIZED, "Not authenticated");
            }
            Caller who = found.get();
            if (UNSAFE.contains(method) && !CSRF_EXEMPT.contains(normalized) && !csrfValid(exchange, who)) {
                return reject(ErrorCode.CSRF_FAILED, "CSRF validation failed");
            }
            if (normalized.startsWith("/api/v1/admin") && !who.isAdmin()) {
                return reject(ErrorCode.ADMIN_REQUIRED, "Admin access required");
            }
            exchange.getAttributes().put(CallerArgumentResolver.ATTRIBUTE, who);
            return chain.filter(exchange);
        });
    }

    /**
     * Health stays open for probes (configurable); metrics answer an admin or a scraper with the scrape token
     * ({@code Authorization: Bearer …}; a wrong one is 401); the rest is for admins.
     */
    private Mono<Void> actuator(ServerWebExchange exchange, WebFilterChain chain, String path) {
        String raw = exchange.getRequest().getURI().getRawPath().toLowerCase(java.util.Locale.ROOT);
        if (raw.contains("%2f") || raw.contains("%5c")) {
            // actuator paths name components and metrics: an encoded separator is never one of them
            return reject(ErrorCode.BAD_REQUEST, "Malformed actuator path");
        }
        String[] parts = path.split("/");
        String endpoint = parts.length > 2 ? parts[2] : "";
        if (!endpoint.isEmpty() && properties.publicActuator().contains(endpoint)) {
            return chain.filter(exchange);
        }
        String bearer = ScrapeToken.bearerOf(exchange.getRequest().getHeaders());
        if (bearer != null && scrapeToken.configured() && SCRAPE_ENDPOINTS.contains(endpoint)) {
            return scrapeToken.matches(bearer)
                    ? chain.filter(exchange)
                    : reject(ErrorCode.UNAUTHORIZED, "Invalid scrape token");
        }
        return session(exchange).flatMap(found -> {
            if (found.isEmpty()) {
                return reject(ErrorCode.UNAUTHORIZED, "Not authenticated");
            }
            if (!found.get().isAdmin()) {
                return reject(ErrorCode.ADMIN_REQUIRED, "Admin access required");
            }
            return chain.filter(exchange);
        });
    }

    /** A personal access token instead of a session: no cookie, no CSRF; scopes and the account checked. */
    private Mono<Void> bearer(ServerWebExchange exchange, WebFilterChain chain, String path, String token) {
        HttpMethod method = exchange.getRequest().getMethod();
        String normalized = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return Mono.fromCallable(() -> accessTokens.verify(token))
                // the shared store is read with the blocking Mongo driver: never on an event-loop thread
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return reject(ErrorCode.UNAUTHORIZED, "Invalid or revoked access token");
                    }
                    AccessTokens.Grant grant = found.get();
                    if (grant.expiredAt(clock.instant())) {
                        return reject(ErrorCode.UNAUTHORIZED, "Access token expired");
                    }
                    return states.of(grant.userId(), "token:" + grant.tokenId()).flatMap(state -> {
                        if (state.isEmpty() || !state.get().active() || states.deletedHere(grant.userId())) {
                            return reject(ErrorCode.UNAUTHORIZED, "Invalid or revoked access token");
                        }
                        Optional<String> refusal = TokenScopes.refusal(method, normalized, grant.scopes());
                        if (refusal.isPresent()) {
                            return reject(ErrorCode.FORBIDDEN, refusal.get());
                        }
                        boolean admin = state.get().role() == UserRole.ADMIN
                                && grant.scopes().contains(AccessTokenScope.ADMIN);
                        Caller who = new Caller(
                                grant.userId(),
                                state.get().username(),
                                admin ? UserRole.ADMIN : UserRole.USER,
                                "token:" + grant.tokenId(),
                                grant.tokenId());
                        if (normalized.startsWith("/api/v1/admin") && !who.isAdmin()) {
                            return reject(ErrorCode.ADMIN_REQUIRED, "Admin access required");
                        }
                        exchange.getAttributes().put(CallerArgumentResolver.ATTRIBUTE, who);
                        return chain.filter(exchange);
                    });
                });
    }

    private Mono<Optional<Caller>> session(ServerWebExchange exchange) {
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(ACCESS_COOKIE);
        Optional<SessionTokens.Session> token = tokens.verifySession(cookie == null ? null : cookie.getValue());
        if (token.isEmpty() || revoked.isRevokedHere(token.get().caller().sessionId())) {
            return Mono.just(Optional.empty());
        }
        SessionTokens.Session session = token.get();
        Caller claimed = session.caller();
        return settings.get().flatMap(current -> {
            Duration timeout = Duration.ofMinutes(current.sessionTimeoutMinutes());
            if (!session.issuedAt().plus(timeout).isAfter(clock.instant())
                    || states.endedHere(claimed.userId(), session.tokenVersion())) {
                return Mono.just(Optional.<Caller>empty());
            }
            return states.of(claimed.userId(), claimed.sessionId())
                    // not in the users read model yet: a login a few milliseconds after the account was created
                    .map(state -> state.isEmpty() ? Optional.of(claimed) : valid(state.get(), session));
        });
    }

    private static Optional<Caller> valid(SessionStateView state, SessionTokens.Session session) {
        if (!state.active() || state.sessionRevoked() || state.tokenVersion() != session.tokenVersion()) {
            return Optional.empty();
        }
        Caller claimed = session.caller();
        return Optional.of(new Caller(claimed.userId(), state.username(), state.role(), claimed.sessionId()));
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
    private static Mono<Void> reject(ErrorCode code, String message) {
        return Mono.error(new SandpodException(code, message));
    }
}
