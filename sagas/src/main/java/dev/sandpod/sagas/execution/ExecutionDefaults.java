package dev.sandpod.sagas.execution;

import dev.sandpod.api.execution.ExecutionLimits;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Execution limits of SPEC §4 and the queue size of SPEC §3.7, as configured.
 *
 * @param backstopGraceSeconds how long past the run's own timeout the saga waits for a runner's report
 *                             before it ends the execution itself (runner lost, broker down)
 */
@ConfigurationProperties("sandpod.execution")
public record ExecutionDefaults(
        @DefaultValue("10") int timeoutSeconds,
        @DefaultValue("128MB") DataSize memory,
        @DefaultValue("1000") int cpuMillis,
        @DefaultValue("64") int pids,
        @DefaultValue("1MB") DataSize maxOutput,
        @DefaultValue("10MB") DataSize workspace,
        @DefaultValue("10") int maxConcurrentExecutions,
        @DefaultValue("30") int backstopGraceSeconds) {

    public ExecutionLimits limits() {
        return new ExecutionLimits(timeoutSeconds, memory.toBytes(), cpuMillis, pids, maxOutput.toBytes(),
                workspace.toBytes());
    }
}
