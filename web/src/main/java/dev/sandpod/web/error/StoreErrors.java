package dev.sandpod.web.error;

import dev.sandpod.api.error.StoreFailures;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * A request that failed because the data store is unreachable or its disk is full: 503 or 507 with a
 * {@code {detail, type}} body instead of a 500 (see {@link StoreFailures}). Within the Mongo driver's
 * server-selection timeout ({@code sandpod.mongodb.server-selection-timeout}) a request learns that the
 * store is gone, instead of waiting for it. Logged as one line (no stack trace), at most once per
 * {@link #LOG_EVERY_MILLIS} per kind: during an outage every request fails the same way.
 */
final class StoreErrors {

    private static final Logger log = LoggerFactory.getLogger(StoreErrors.class);
    static final long LOG_EVERY_MILLIS = 5_000;
    private static final HttpStatusCode INSUFFICIENT_STORAGE = HttpStatusCode.valueOf(507);
    private static final AtomicLong lastUnavailableLog = new AtomicLong();
    private static final AtomicLong lastDiskFullLog = new AtomicLong();

    private StoreErrors() {}

    /** The answer for a store failure, or null when the failure is something else. */
    static ApiErrors.Answer answer(Throwable error) {
        StoreFailures.Kind kind = StoreFailures.classify(error);
        if (kind == null) {
            return null;
        }
        if (kind == StoreFailures.Kind.DISK_FULL) {
            if (due(lastDiskFullLog)) {
                log.error(
                        "A write was refused: the data store's disk is full ({}); free space in its data"
                                + " directory, writes resume by themselves",
                        rootMessage(error));
            }
            return new ApiErrors.Answer(
                    INSUFFICIENT_STORAGE,
                    ApiErrors.body(
                            "The data store's disk is full; try again once space is freed", "InsufficientStorage"));
        }
        if (due(lastUnavailableLog)) {
            log.warn(
                    "The data store is unreachable; requests are answered 503 until it returns ({})",
                    rootMessage(error));
        }
        return new ApiErrors.Answer(
                HttpStatus.SERVICE_UNAVAILABLE,
                ApiErrors.body("The data store is unreachable; try again shortly", "StoreUnavailable"));
    }

    private static boolean due(AtomicLong last) {
        long now = System.currentTimeMillis();
        long previous = last.get();
        return now - previous >= LOG_EVERY_MILLIS && last.compareAndSet(previous, now);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        for (int i = 0; i < 20 && root.getCause() != null && root.getCause() != root; i++) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
