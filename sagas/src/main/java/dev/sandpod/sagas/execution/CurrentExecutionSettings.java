package dev.sandpod.sagas.execution;

import dev.sandpod.api.execution.ExecutionLimits;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.settings.SystemSettingsChangedEvent;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The system settings for each decision, so an admin's change applies to the next execution. A run asks three
 * times (enqueue, schedule, release), so the settings read are kept for at most {@link #FRESH}: a change stored
 * by this instance's settings projection drops the copy at once (it announces each change it stored), a change
 * stored by another instance counts here within {@link #FRESH} (issue 21: each read was a store round trip,
 * three per run). If the settings cannot be read in time the defaults are used rather than holding the queue up,
 * and not kept.
 */
@Component
class CurrentExecutionSettings implements ExecutionSettings {

    static final Duration FRESH = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(CurrentExecutionSettings.class);
    private static final long QUERY_TIMEOUT_SECONDS = 3;

    private record Copy(SystemSettings settings, long readAtNanos) {}

    private final QueryGateway queries;
    private final ExecutionDefaults defaults;
    private final LongSupplier nanoTime;
    private final AtomicReference<Copy> copy = new AtomicReference<>();
    /** Counts the changes announced: a read that began before one is not kept. */
    private final AtomicLong changes = new AtomicLong();

    @Autowired
    CurrentExecutionSettings(QueryGateway queries, ExecutionDefaults defaults) {
        this(queries, defaults, System::nanoTime);
    }

    CurrentExecutionSettings(QueryGateway queries, ExecutionDefaults defaults, LongSupplier nanoTime) {
        this.queries = queries;
        this.defaults = defaults;
        this.nanoTime = nanoTime;
    }

    @Override
    public ExecutionLimits limits() {
        SystemSettings settings = settings();
        return new ExecutionLimits(
                Math.min(defaults.timeoutSeconds(), settings.maxTimeoutSeconds()),
                settings.memoryLimitBytes(),
                settings.cpuLimitMillis(),
                defaults.pids(),
                defaults.maxOutput().toBytes(),
                defaults.workspace().toBytes());
    }

    @Override
    public int maxConcurrentExecutions() {
        return settings().maxConcurrentExecutions();
    }

    @Override
    public int backstopGraceSeconds() {
        return defaults.backstopGraceSeconds();
    }

    /** The settings projection of this instance stored a change: the next decision reads it. */
    @EventListener
    void on(SystemSettingsChangedEvent stored) {
        changes.incrementAndGet();
        copy.set(null);
    }

    private SystemSettings settings() {
        Copy kept = copy.get();
        long now = nanoTime.getAsLong();
        if (kept != null && now - kept.readAtNanos() < FRESH.toNanos()) {
            return kept.settings();
        }
        long seen = changes.get();
        try {
            SystemSettings settings = queries.query(new FindSystemSettingsQuery(), SystemSettings.class)
                    .get(QUERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            SystemSettings read = settings == null ? SystemSettings.DEFAULTS : settings;
            Copy fresh = new Copy(read, now);
            copy.set(fresh);
            if (changes.get() != seen) {
                copy.compareAndSet(fresh, null);
            }
            return read;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SystemSettings.DEFAULTS;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("System settings unavailable, using the defaults", e);
            return SystemSettings.DEFAULTS;
        }
    }
}
