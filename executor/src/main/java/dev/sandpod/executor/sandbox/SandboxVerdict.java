package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.sandbox.SandboxRun.Termination;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the end of a local run is judged, once every process of it is gone: a reason the runner ended it (the first
 * one wins) decides over whatever the program did; without one, the exit code bwrap reported is the program's,
 * and no reported exit code at all means the sandbox itself never got set up. Pure, apart from logging a setup
 * failure.
 */
final class SandboxVerdict {

    private static final Logger log = LoggerFactory.getLogger(SandboxVerdict.class);
    private static final int MAX_SETUP_MESSAGE = 2000;

    /** What the supervisor saw of a run that ran; outputs are already complete. */
    record Observed(
            Termination termination,
            Integer reportedExit,
            int exitValue,
            OutputCapture out,
            OutputCapture err,
            double wallSeconds,
            long cpuJiffies,
            long peakKb) {}

    private SandboxVerdict() {}

    static RunResult judge(RunSpec spec, Observed seen, int clkTck) {
        SandboxLimits limits = spec.limits();
        Termination termination = seen.termination();
        Integer reportedExit = seen.reportedExit();
        OutputCapture out = seen.out();
        OutputCapture err = seen.err();
        RunResult.Outcome outcome;
        String errorType = null;
        String message = null;
        int exitCode = reportedExit != null ? reportedExit : seen.exitValue();
        if (termination == Termination.TIMEOUT) {
            outcome = RunResult.Outcome.TIMEOUT;
            errorType = "timeout";
            exitCode = -1;
            message = "Execution timed out after " + seconds(limits.timeout()) + " s";
        } else if (termination == Termination.CANCELLED) {
            outcome = RunResult.Outcome.CANCELLED;
            exitCode = -1;
            message = "Execution cancelled";
        } else if (termination == Termination.SHUTDOWN) {
            outcome = RunResult.Outcome.FAILED;
            errorType = "system_error";
            exitCode = -1;
            message = "Executor shut down while the run was going";
        } else if (termination == Termination.MEMORY_LIMIT) {
            outcome = RunResult.Outcome.FAILED;
            errorType = "resource_limit";
            message = "Memory limit of " + mib(limits.memoryBytes()) + " MiB exceeded";
        } else if (termination == Termination.OUTPUT_LIMIT) {
            outcome = RunResult.Outcome.FAILED;
            errorType = "resource_limit";
            exitCode = -1;
            message = "Output limit of " + limits.maxOutputBytes() + " bytes per stream exceeded";
        } else if (reportedExit == null) {
            // bwrap never reported the program's exit: the sandbox itself could not be set up.
            outcome = RunResult.Outcome.FAILED;
            errorType = "system_error";
            exitCode = -1;
            message = "sandbox setup failed: " + truncate(err.text().trim(), MAX_SETUP_MESSAGE);
            log.warn("sandbox setup failed for {} (exit {}): {}", spec.name(), seen.exitValue(), message);
        } else {
            outcome = RunResult.Outcome.COMPLETED;
        }
        return new RunResult(
                outcome,
                exitCode,
                errorType,
                message,
                out.text(),
                err.text(),
                out.truncated(),
                err.truncated(),
                seen.wallSeconds(),
                seen.cpuJiffies(),
                clkTck,
                seen.peakKb());
    }

    /** A run the runner ended before anything of it started. */
    static RunResult terminatedBeforeStart(Termination termination, int clkTck) {
        return termination == Termination.CANCELLED
                ? RunResult.notStarted(RunResult.Outcome.CANCELLED, null, "Execution cancelled", clkTck)
                : RunResult.notStarted(
                        RunResult.Outcome.FAILED, "system_error", "Executor shut down before the run started", clkTck);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0
                ? Long.toString(d.toSeconds())
                : String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
