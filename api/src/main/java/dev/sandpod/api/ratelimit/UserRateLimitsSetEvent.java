package dev.sandpod.api.ratelimit;

import java.util.List;
import org.axonframework.serialization.Revision;

/** An admin set a user's rate-limit overrides; they hold until changed or reset (no expiry). */
@Revision("1")
public record UserRateLimitsSetEvent(
        String overridesId,
        String userId,
        boolean bypassRateLimit,
        double globalMultiplier,
        List<RateLimitRule> rules,
        String notes,
        long version) {}
