package dev.sandpod.web.ratelimit;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The per-minute execution limit for a batch: a batch of {@code n} counts as {@code n} executions of the caller's
 * execute rule ({@code POST /api/v1/execute}), all or none — it is refused whole (429) when fewer are left. The
 * batch request itself passes the filter under the general API rule. Like the filter, it lets a request through
 * when the counter store cannot be reached.
 */
@Component
public class ExecutionQuota {

    private static final Logger log = LoggerFactory.getLogger(ExecutionQuota.class);
    private static final String EXECUTE = "/api/v1/execute";

    private final RateLimiter limiter;
    private final UserOverrides overrides;
    private final RateLimitStore store;
    private final RateLimitProperties properties;
    private final Clock clock = Clock.systemUTC();

    ExecutionQuota(RateLimiter limiter, UserOverrides overrides, RateLimitStore store, RateLimitProperties properties) {
        this.limiter = limiter;
        this.overrides = overrides;
        this.store = store;
        this.properties = properties;
    }

    /** Takes {@code count} executions from the caller's minute, or fails with 429 taking none. */
    public Mono<Void> take(Caller caller, int count) {
        if (!properties.enabled()) {
            return Mono.empty();
        }
        String identity = RateLimiter.userIdentity(caller.userId());
        return overrides
                .of(caller.userId())
                .flatMap(o -> {
                    if (o.bypass()) {
                        return Mono.<Void>empty();
                    }
                    return Mono.justOrEmpty(limiter.ruleFor(EXECUTE, o)).flatMap(rule -> {
                        Limit limit = rule.limit(o.multiplier());
                        String key = limiter.key(identity, rule.rule().group(), limit.algorithm());
                        return store.peek(key, limit, clock.millis()).flatMap(now -> {
                            if (now.remaining() < count) {
                                return Mono.error(new SandpodException(
                                        ErrorCode.TOO_MANY_REQUESTS,
                                        "Rate limit exceeded: this batch needs " + count + " executions and "
                                                + now.remaining() + " are left this minute"));
                            }
                            return Flux.range(0, count)
                                    .concatMap(i -> store.acquire(key, limit, clock.millis()))
                                    .then();
                        });
                    });
                })
                .onErrorResume(e -> !(e instanceof SandpodException), e -> {
                    log.warn("Rate-limit store unavailable; letting the batch through", e);
                    return Mono.empty();
                });
    }
}
