package dev.sandpod.api.ratelimit;

/** Answers {@link UserRateLimitsView}, or null when the user has no overrides. */
public record FindUserRateLimitsQuery(String userId) {}
