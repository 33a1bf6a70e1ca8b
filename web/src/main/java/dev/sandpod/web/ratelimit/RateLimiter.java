package dev.sandpod.web.ratelimit;

import dev.sandpod.api.ratelimit.EndpointGroup;
import dev.sandpod.api.ratelimit.RateLimitAlgorithm;
import dev.sandpod.api.ratelimit.RateLimitRule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which rule a request falls under and what its counter says. Of the user's own rules and the
 * defaults, a matching user rule wins over every default; among each, the highest priority. The user's
 * {@code global_multiplier} scales whichever applies; {@code bypass_rate_limit} skips counting altogether.
 * One counter per identity, group and algorithm.
 */
@Component
public class RateLimiter {

    private final List<CompiledRule> defaults;
    private final RateLimitStore store;
    private final String prefix;
    private final Clock clock;

    @Autowired
    RateLimiter(RateLimitProperties properties, RateLimitStore store) {
        this(properties.defaultRules(), store, properties.keyPrefix(), Clock.systemUTC());
    }

    RateLimiter(List<RateLimitRule> defaults, RateLimitStore store, String prefix, Clock clock) {
        this.defaults = CompiledRule.all(defaults);
        this.store = store;
        this.prefix = prefix;
        this.clock = clock;
    }

    public List<RateLimitRule> defaultRules() {
        return defaults.stream().map(CompiledRule::rule).toList();
    }

    record Applied(CompiledRule rule, Decision decision) {}

    /** Whether {@code path} opens an event stream by the default rules (capped per user even when not counted). */
    boolean isEventStream(String path) {
        return defaults.stream()
                .anyMatch(rule -> rule.rule().group() == EndpointGroup.SSE
                        && rule.pattern().matcher(path).find());
    }

    /** The rule for {@code path}: a user rule first, else a default; empty when none applies. */
    Optional<CompiledRule> ruleFor(String path, UserOverrides.Effective overrides) {
        for (CompiledRule rule : overrides.rules()) {
            if (rule.matches(path)) {
                return Optional.of(rule);
            }
        }
        return defaults.stream().filter(rule -> rule.matches(path)).findFirst();
    }

    /** Counts the request; empty when no rule applies or the user bypasses limits. */
    Mono<Applied> acquire(String identity, String path, UserOverrides.Effective overrides) {
        if (overrides.bypass()) {
            return Mono.empty();
        }
        return Mono.justOrEmpty(ruleFor(path, overrides)).flatMap(rule -> {
            Limit limit = rule.limit(overrides.multiplier());
            return store.acquire(key(identity, rule.rule().group(), limit.algorithm()), limit, clock.millis())
                    .map(decision -> new Applied(rule, decision));
        });
    }

    /** What is left in each group for this identity, without counting (the admin's {@code current_usage}). */
    Mono<Map<EndpointGroup, Applied>> usage(String identity, UserOverrides.Effective overrides) {
        List<CompiledRule> rules = new ArrayList<>(overrides.rules());
        rules.addAll(defaults);
        Map<EndpointGroup, CompiledRule> byGroup = new LinkedHashMap<>();
        rules.stream()
                .filter(r -> r.rule().enabled())
                .forEach(r -> byGroup.putIfAbsent(r.rule().group(), r));
        long now = clock.millis();
        return Flux.fromIterable(byGroup.values())
                .concatMap(rule -> {
                    Limit limit = rule.limit(overrides.multiplier());
                    return store.peek(key(identity, rule.rule().group(), limit.algorithm()), limit, now)
                            .map(decision -> new Applied(rule, decision));
                })
                .collectMap(applied -> applied.rule().rule().group(), applied -> applied, LinkedHashMap::new);
    }

    /** Forgets every counter of this identity. */
    Mono<Void> reset(String identity) {
        List<String> keys = new ArrayList<>();
        for (EndpointGroup group : EndpointGroup.values()) {
            for (RateLimitAlgorithm algorithm : RateLimitAlgorithm.values()) {
                keys.add(key(identity, group, algorithm));
            }
        }
        return store.delete(keys);
    }

    static String userIdentity(String userId) {
        return "u:" + userId;
    }

    static String addressIdentity(String address) {
        return "ip:" + address;
    }

    String key(String identity, EndpointGroup group, RateLimitAlgorithm algorithm) {
        return prefix + "rl:" + identity + ":" + group.wireName() + ":" + algorithm.wireName();
    }
}
