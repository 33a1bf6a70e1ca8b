package dev.sandpod.api.execution;

/**
 * What a run produced: its (capped) output, exit code, usage and, when it did not end normally, why.
 * {@code exitCode} is -1 for a timeout and null when the program never ran.
 */
public record ExecutionOutcome(
        String stdout,
        String stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        Integer exitCode,
        ErrorType errorType,
        String errorMessage,
        ResourceUsage resourceUsage) {

    public static ExecutionOutcome notRun(ErrorType errorType, String message) {
        return new ExecutionOutcome("", "", false, false, null, errorType, message, ResourceUsage.NONE);
    }
}
