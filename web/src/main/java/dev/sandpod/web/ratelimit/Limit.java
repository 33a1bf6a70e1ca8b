package dev.sandpod.web.ratelimit;

import dev.sandpod.api.ratelimit.RateLimitAlgorithm;

/**
 * What one counter allows: {@code requests} per {@code windowMillis}; a token bucket holds
 * {@code requests * burstMultiplier} tokens.
 */
public record Limit(RateLimitAlgorithm algorithm, int requests, long windowMillis, double burstMultiplier) {

    /** The sliding window is kept as this many slots: memory per counter stays flat whatever the limit. */
    static final int SLOTS = 60;

    public Limit {
        if (requests < 1 || windowMillis < 1) {
            throw new IllegalArgumentException("a limit needs at least one request per at least one millisecond");
        }
    }

    long slotMillis() {
        return Math.max(1, windowMillis / SLOTS);
    }

    int slots() {
        return (int) ((windowMillis + slotMillis() - 1) / slotMillis());
    }

    int capacity() {
        return (int) Math.max(1, Math.floor(requests * Math.max(1.0, burstMultiplier)));
    }

    /** Tokens per millisecond. */
    double refillRate() {
        return (double) requests / windowMillis;
    }
}
