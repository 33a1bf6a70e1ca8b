package dev.sandpod.sagas.execution;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Execution limits that are configuration rather than admin settings. Memory, CPU, the
 * timeout cap and the queue size come from the system settings ({@link ExecutionSettings}).
 *
 * @param timeoutSeconds       a run's wall-clock limit, capped by the {@code max_timeout_seconds} setting
 * @param backstopGraceSeconds how long past the run's own timeout the saga waits for a runner's report
 *                             before it ends the execution itself (runner lost, broker down)
 */
@ConfigurationProperties("sandpod.execution")
public record ExecutionDefaults(
        @DefaultValue("10") int timeoutSeconds,
        @DefaultValue("64") int pids,
        @DefaultValue("1MB") DataSize maxOutput,
        @DefaultValue("10MB") DataSize workspace,
        @DefaultValue("30") int backstopGraceSeconds) {}
