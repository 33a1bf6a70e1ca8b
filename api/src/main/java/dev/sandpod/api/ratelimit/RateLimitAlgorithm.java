package dev.sandpod.api.ratelimit;

import java.util.Locale;

/** The counting algorithms Sandpod implements. */
public enum RateLimitAlgorithm {
    /** At most {@code requests} in any {@code window_seconds} long span (a sliding log). */
    SLIDING_WINDOW,
    /** A bucket of {@code requests * burst_multiplier} tokens refilled at {@code requests / window_seconds}. */
    TOKEN_BUCKET;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RateLimitAlgorithm fromWire(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
