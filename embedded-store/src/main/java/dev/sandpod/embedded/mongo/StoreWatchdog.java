package dev.sandpod.embedded.mongo;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every {@code period} whether H2 closed the embedded store by itself after an error, and has it
 * reopened ({@link EmbeddedMongoServer#reopenIfClosedByH2()}): without this one failed background write left
 * the instance answering {@code This store is closed} to every request until it was restarted (issue 20).
 */
final class StoreWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreWatchdog.class);

    static final long DEFAULT_PERIOD_MILLIS = 1_000;

    private final ScheduledThreadPoolExecutor scheduler;

    private StoreWatchdog(ScheduledThreadPoolExecutor scheduler) {
        this.scheduler = scheduler;
    }

    static StoreWatchdog start(Runnable check, long periodMillis) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "mongo-wire-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        check.run();
                    } catch (RuntimeException | Error e) {
                        // a failed check must not end the schedule: the next one tries again
                        log.error("Checking the embedded store failed", e);
                    }
                },
                periodMillis,
                periodMillis,
                TimeUnit.MILLISECONDS);
        return new StoreWatchdog(scheduler);
    }

    @Override
    public void close() {
        // Not shutdownNow(): interrupting a reopen in H2's file I/O would close the file channel again.
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
