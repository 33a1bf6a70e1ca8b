package dev.sandpod.api.ratelimit;

import org.axonframework.serialization.Revision;

/** A user's overrides were dropped; the default rules apply again. */
@Revision("1")
public record UserRateLimitsResetEvent(String overridesId, String userId, long version) {}
