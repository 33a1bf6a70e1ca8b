package dev.sandpod.api.ratelimit;

public final class RateLimitIds {

    private static final String PREFIX = "rate-limits:";

    private RateLimitIds() {}

    /**
     * The overrides aggregate of a user. Aggregate ids share one namespace in the event store, so it must
     * differ from the user account's id.
     */
    public static String overridesOf(String userId) {
        return PREFIX + userId;
    }
}
