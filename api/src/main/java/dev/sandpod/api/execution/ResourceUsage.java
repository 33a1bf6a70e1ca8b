package dev.sandpod.api.execution;

/** Measured usage of one run: wall time measured, CPU in clock ticks at the real tick rate, peak memory. */
public record ResourceUsage(double wallSeconds, long cpuTimeJiffies, int clkTckHertz, long peakMemoryKb) {

    public static final ResourceUsage NONE = new ResourceUsage(0, 0, 0, 0);
}
