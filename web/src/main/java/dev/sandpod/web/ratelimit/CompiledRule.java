package dev.sandpod.web.ratelimit;

import dev.sandpod.api.ratelimit.RateLimitRule;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/** A rule with its pattern compiled once. */
record CompiledRule(RateLimitRule rule, Pattern pattern) {

    static final Comparator<CompiledRule> BY_PRIORITY =
            Comparator.comparingInt((CompiledRule r) -> r.rule().priority()).reversed();

    static CompiledRule of(RateLimitRule rule) {
        return new CompiledRule(rule, Pattern.compile(rule.endpointPattern()));
    }

    static List<CompiledRule> all(List<RateLimitRule> rules) {
        return rules.stream().map(CompiledRule::of).sorted(BY_PRIORITY).toList();
    }

    boolean matches(String path) {
        return rule.enabled() && pattern.matcher(path).find();
    }

    /** The limit after the user's multiplier; never below one request. */
    Limit limit(double multiplier) {
        int requests = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.floor(rule.requests() * multiplier)));
        return new Limit(rule.algorithm(), requests, rule.windowSeconds() * 1000L, rule.burstMultiplier());
    }
}
