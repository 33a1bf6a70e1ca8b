package dev.sandpod.executor.sandbox;

import java.time.Duration;

/**
 * Limits of one run, as requested (the defaults are applied by the platform before the request).
 *
 * @param cpuMillis      CPU bandwidth in millicores (1000 = one core)
 * @param pids           tasks (processes and threads) the script may have at once
 * @param maxOutputBytes cap per stream
 * @param workspaceBytes size of each writable tmpfs, also the largest file the run may write
 */
public record SandboxLimits(
        Duration timeout, long memoryBytes, int cpuMillis, int pids, long maxOutputBytes, long workspaceBytes) {

    public SandboxLimits {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (memoryBytes <= 0 || cpuMillis <= 0 || pids <= 0 || maxOutputBytes < 0 || workspaceBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + memoryBytes + "/" + cpuMillis + "/" + pids
                    + "/" + maxOutputBytes + "/" + workspaceBytes);
        }
    }

    /** The defaults: 10 s, 128 MiB, 1000m, 64 pids, 1 MiB per stream, 10 MiB workspace. */
    public static SandboxLimits defaults() {
        return new SandboxLimits(Duration.ofSeconds(10), 128L << 20, 1000, 64, 1L << 20, 10L << 20);
    }

    public SandboxLimits withTimeout(Duration newTimeout) {
        return new SandboxLimits(newTimeout, memoryBytes, cpuMillis, pids, maxOutputBytes, workspaceBytes);
    }

    public SandboxLimits withMaxOutputBytes(long bytes) {
        return new SandboxLimits(timeout, memoryBytes, cpuMillis, pids, bytes, workspaceBytes);
    }

    public SandboxLimits withMemoryBytes(long bytes) {
        return new SandboxLimits(timeout, bytes, cpuMillis, pids, maxOutputBytes, workspaceBytes);
    }

    public SandboxLimits withCpuMillis(int millicores) {
        return new SandboxLimits(timeout, memoryBytes, millicores, pids, maxOutputBytes, workspaceBytes);
    }

    public SandboxLimits withPids(int count) {
        return new SandboxLimits(timeout, memoryBytes, cpuMillis, count, maxOutputBytes, workspaceBytes);
    }
}
