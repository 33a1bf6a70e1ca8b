package dev.sandpod.sagas.execution;

import dev.sandpod.api.execution.ExecutionLimits;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads the system settings for each decision, so an admin's change applies to the next execution. If the
 * settings cannot be read in time the defaults are used rather than holding the queue up.
 */
@Component
class CurrentExecutionSettings implements ExecutionSettings {

    private static final Logger log = LoggerFactory.getLogger(CurrentExecutionSettings.class);
    private static final long QUERY_TIMEOUT_SECONDS = 3;

    private final QueryGateway queries;
    private final ExecutionDefaults defaults;

    CurrentExecutionSettings(QueryGateway queries, ExecutionDefaults defaults) {
        this.queries = queries;
        this.defaults = defaults;
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

    private SystemSettings settings() {
        try {
            SystemSettings settings = queries.query(new FindSystemSettingsQuery(), SystemSettings.class)
                    .get(QUERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return settings == null ? SystemSettings.DEFAULTS : settings;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SystemSettings.DEFAULTS;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("System settings unavailable, using the defaults", e);
            return SystemSettings.DEFAULTS;
        }
    }
}
