package dev.sandpod.api.ratelimit;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Drops a user's overrides: the default rules apply again. Answers the overrides' new version. */
public record ResetUserRateLimitsCommand(
        @TargetAggregateIdentifier String overridesId, String userId) {}
