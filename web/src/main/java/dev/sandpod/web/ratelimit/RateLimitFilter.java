package dev.sandpod.web.ratelimit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.api.ratelimit.EndpointGroup;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.security.AuthenticationFilter;
import dev.sandpod.web.security.ClientAddress;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Rate limiting at the front door, after authentication so that a signed-in caller counts as a user and anyone
 * else as an address. Limited responses carry {@code X-RateLimit-Limit/Remaining/Reset} (the reset as epoch
 * seconds); a refusal is 429 {@code {detail, type, retry_after, reset_at}} with {@code Retry-After}, before
 * the request reaches any handler — nothing of it is queued or stored. Event streams are also capped per
 * identity (H24). If the counter store cannot be reached the request passes (logged): an outage of Redis
 * must not take the API down with it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class RateLimitFilter implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RateLimiter limiter;
    private final UserOverrides overrides;
    private final EventStreamCap streams;
    private final ClientAddress clients;
    private final ObjectMapper json;
    private final ObjectProvider<MeterRegistry> meters;
    private final boolean enabled;

    RateLimitFilter(
            RateLimiter limiter,
            UserOverrides overrides,
            EventStreamCap streams,
            ClientAddress clients,
            ObjectMapper json,
            ObjectProvider<MeterRegistry> meters,
            RateLimitProperties properties) {
        this.limiter = limiter;
        this.overrides = overrides;
        this.streams = streams;
        this.clients = clients;
        this.json = json;
        this.meters = meters;
        this.enabled = properties.enabled();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.startsWith("/api/") || path.equals("/api/v1/health") || path.startsWith("/api/v1/health/")) {
            return chain.filter(exchange);
        }
        Optional<Caller> caller = AuthenticationFilter.callerOf(exchange);
        String identity = caller.map(c -> RateLimiter.userIdentity(c.userId()))
                .orElseGet(() -> RateLimiter.addressIdentity(clients.of(exchange.getRequest())));
        Mono<UserOverrides.Effective> effective =
                caller.map(c -> overrides.of(c.userId())).orElseGet(() -> Mono.just(UserOverrides.NONE));
        return effective.flatMap(o -> counted(identity, path, o)).flatMap(applied -> {
            boolean stream = limiter.isEventStream(path)
                    || applied.map(a -> a.rule().rule().group() == EndpointGroup.SSE)
                            .orElse(false);
            if (applied.isPresent()) {
                headers(exchange.getResponse(), applied.get().decision());
                if (!applied.get().decision().allowed()) {
                    meter(applied.get().rule().rule().group());
                    return rejected(exchange.getResponse(), applied.get().decision());
                }
            }
            if (stream && enabled) {
                return streams.tryOpen(identity)
                        .map(place -> chain.filter(exchange).doFinally(signal -> streams.close(place)))
                        .defaultIfEmpty(Mono.defer(() -> {
                            meter(EndpointGroup.SSE);
                            return tooManyStreams(exchange.getResponse());
                        }))
                        .flatMap(next -> next);
            }
            return chain.filter(exchange);
        });
    }

    private Mono<Optional<RateLimiter.Applied>> counted(String identity, String path, UserOverrides.Effective o) {
        if (!enabled) {
            return Mono.just(Optional.empty());
        }
        return limiter.acquire(identity, path, o)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .onErrorResume(e -> {
                    log.warn("Rate-limit store unavailable; letting the request through", e);
                    return Mono.just(Optional.empty());
                });
    }

    private static void headers(ServerHttpResponse response, Decision decision) {
        HttpHeaders headers = response.getHeaders();
        headers.set("X-RateLimit-Limit", Integer.toString(decision.limit()));
        headers.set("X-RateLimit-Remaining", Integer.toString(decision.remaining()));
        headers.set("X-RateLimit-Reset", Long.toString((decision.resetAtMillis() + 999) / 1000));
    }

    private Mono<Void> rejected(ServerHttpResponse response, Decision decision) {
        long retryAfter = Math.max(1, (decision.retryAfterMillis() + 999) / 1000);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("detail", "Rate limit exceeded");
        body.put("type", "RateLimitExceeded");
        body.put("retry_after", retryAfter);
        body.put("reset_at", Instant.ofEpochMilli(decision.resetAtMillis()).toString());
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        return write(response, body);
    }

    private Mono<Void> tooManyStreams(ServerHttpResponse response) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "detail",
                "Too many open event streams: at most " + streams.cap()
                        + " at once per user; close one before opening another");
        body.put("type", "TooManyEventStreams");
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
        return write(response, body);
    }

    private Mono<Void> write(ServerHttpResponse response, Map<String, Object> body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return Mono.error(e);
        }
        response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    private void meter(EndpointGroup group) {
        MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            registry.counter("sandpod.rate_limit.rejections", "group", group.wireName())
                    .increment();
        }
    }
}
