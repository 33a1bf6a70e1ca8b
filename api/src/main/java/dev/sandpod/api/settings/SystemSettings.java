package dev.sandpod.api.settings;

/**
 * The admin-editable system settings. Execution limits here apply to the next execution
 * scheduled; the security fields are kept for the front-door checks that read them.
 */
public record SystemSettings(
        int maxTimeoutSeconds,
        String memoryLimit,
        String cpuLimit,
        int maxConcurrentExecutions,
        int passwordMinLength,
        int sessionTimeoutMinutes,
        int maxLoginAttempts,
        int lockoutDurationMinutes,
        int metricsRetentionDays,
        String logLevel,
        boolean enableTracing,
        double samplingRate) {

    /** The defaults: 128Mi memory, 1000m CPU, runs capped at 300 s, 10 at once. */
    public static final SystemSettings DEFAULTS =
            new SystemSettings(300, "128Mi", "1000m", 10, 8, 60, 5, 15, 30, "INFO", true, 0.1);

    public long memoryLimitBytes() {
        return Quantities.bytes(memoryLimit);
    }

    public int cpuLimitMillis() {
        return Quantities.millicores(cpuLimit);
    }
}
