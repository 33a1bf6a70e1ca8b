package dev.sandpod.api.ratelimit;

/**
 * One rate-limit rule: requests whose path matches {@code endpointPattern} (a regular expression) count
 * against the caller's counter for {@code group}. Of several matching rules the one with the highest
 * {@code priority} applies.
 */
public record RateLimitRule(
        String endpointPattern,
        EndpointGroup group,
        int requests,
        int windowSeconds,
        RateLimitAlgorithm algorithm,
        double burstMultiplier,
        int priority,
        boolean enabled) {}
