package dev.sandpod.sagas.notification;

import java.time.Duration;

/** When a failed delivery is tried again: exponential backoff up to a cap, for a bounded number of attempts. */
public record DeliverySchedule(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

    /** The wait after failed attempt {@code attempt} (1-based): initial, initial × m, initial × m², … */
    public Duration backoff(int attempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(Math.round(millis));
    }

    public boolean isLast(int attempt) {
        return attempt >= maxAttempts;
    }
}
