package dev.sandpod.api.ratelimit;

import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Replaces a user's rate-limit overrides. Answers the overrides' new version. */
public record SetUserRateLimitsCommand(
        @TargetAggregateIdentifier String overridesId,
        String userId,
        boolean bypassRateLimit,
        double globalMultiplier,
        List<RateLimitRule> rules,
        String notes) {}
