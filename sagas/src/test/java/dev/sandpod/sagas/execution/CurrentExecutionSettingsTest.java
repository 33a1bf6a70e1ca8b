package dev.sandpod.sagas.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SettingsIds;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.settings.SystemSettingsChangedEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.queryhandling.QueryGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** What the execution saga decides with after an admin changed the settings, here or on another instance. */
class CurrentExecutionSettingsTest {

    private static final SystemSettings FOUR = withMaxConcurrent(4);
    private static final SystemSettings ONE = withMaxConcurrent(1);

    private final QueryGateway queries = mock(QueryGateway.class);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private CurrentExecutionSettings settings;

    @BeforeEach
    void setUp() {
        settings = new CurrentExecutionSettings(
                queries,
                new ExecutionDefaults(10, 64, DataSize.ofMegabytes(1), DataSize.ofMegabytes(10), 30),
                nanos::get);
    }

    private static SystemSettings withMaxConcurrent(int max) {
        SystemSettings d = SystemSettings.DEFAULTS;
        return new SystemSettings(
                d.maxTimeoutSeconds(),
                d.memoryLimit(),
                d.cpuLimit(),
                max,
                d.passwordMinLength(),
                d.sessionTimeoutMinutes(),
                d.maxLoginAttempts(),
                d.lockoutDurationMinutes(),
                d.metricsRetentionDays(),
                d.logLevel(),
                d.enableTracing(),
                d.samplingRate());
    }

    private void stored(SystemSettings settings) {
        when(queries.query(any(FindSystemSettingsQuery.class), eq(SystemSettings.class)))
                .thenReturn(CompletableFuture.completedFuture(settings));
    }

    @Test
    void theDecisionsOfOneRunReadTheSettingsOnce() {
        stored(FOUR);

        settings.maxConcurrentExecutions();
        settings.limits();
        settings.maxConcurrentExecutions();

        verify(queries, times(1)).query(any(FindSystemSettingsQuery.class), eq(SystemSettings.class));
    }

    @Test
    void aChangeStoredOnThisInstanceCountsForTheNextDecision() {
        stored(FOUR);
        assertThat(settings.maxConcurrentExecutions()).isEqualTo(4);

        stored(ONE);
        settings.on(new SystemSettingsChangedEvent(SettingsIds.SYSTEM, FOUR, ONE, "user-admin", false));

        assertThat(settings.maxConcurrentExecutions()).isEqualTo(1);
    }

    @Test
    void aChangeStoredOnAnotherInstanceCountsWithinTheFreshnessBound() {
        stored(FOUR);
        assertThat(settings.maxConcurrentExecutions()).isEqualTo(4);

        stored(ONE);
        nanos.addAndGet(CurrentExecutionSettings.FRESH.toNanos());

        assertThat(settings.maxConcurrentExecutions()).isEqualTo(1);
    }

    @Test
    void settingsThatCannotBeReadGiveTheDefaultsAndAreReadAgainNextTime() {
        when(queries.query(any(FindSystemSettingsQuery.class), eq(SystemSettings.class)))
                .thenReturn(CompletableFuture.failedFuture(new IllegalStateException("store down")));
        assertThat(settings.maxConcurrentExecutions()).isEqualTo(SystemSettings.DEFAULTS.maxConcurrentExecutions());

        stored(ONE);

        assertThat(settings.maxConcurrentExecutions()).isEqualTo(1);
    }
}
