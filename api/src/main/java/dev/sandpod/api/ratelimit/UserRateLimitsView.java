package dev.sandpod.api.ratelimit;

import java.time.Instant;
import java.util.List;

public record UserRateLimitsView(
        String userId,
        boolean bypassRateLimit,
        double globalMultiplier,
        List<RateLimitRule> rules,
        String notes,
        Instant createdAt,
        Instant updatedAt,
        long version) {}
