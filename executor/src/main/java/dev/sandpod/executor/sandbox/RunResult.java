package dev.sandpod.executor.sandbox;

/**
 * What a run did, as the runner observed it: the result of a run of any runner (see the naming in
 * {@code dev.sandpod.executor.runner}).
 *
 * @param exitCode       the program's exit code; -1 on TIMEOUT and CANCELLED; 128+n when killed by signal n
 * @param errorType      the error type as the platform's API names it ({@code timeout}, {@code resource_limit},
 *                       {@code system_error}) or null
 * @param cpuTimeJiffies CPU time of the whole sandbox in clock ticks of {@code clkTckHertz}
 */
public record RunResult(
        Outcome outcome,
        int exitCode,
        String errorType,
        String errorMessage,
        String stdout,
        String stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        double wallSeconds,
        long cpuTimeJiffies,
        int clkTckHertz,
        long peakMemoryKb) {

    public enum Outcome {
        COMPLETED,
        TIMEOUT,
        FAILED,
        CANCELLED
    }

    /** A run that never started a program, e.g. rejected or failed before the sandbox ran. */
    public static RunResult failed(String errorType, String message, int clkTck) {
        return notStarted(Outcome.FAILED, errorType, message, clkTck);
    }

    public static RunResult cancelled(String message, int clkTck) {
        return notStarted(Outcome.CANCELLED, null, message, clkTck);
    }

    static RunResult notStarted(Outcome outcome, String errorType, String message, int clkTck) {
        return new RunResult(outcome, -1, errorType, message, "", "", false, false, 0, 0, clkTck, 0);
    }
}
