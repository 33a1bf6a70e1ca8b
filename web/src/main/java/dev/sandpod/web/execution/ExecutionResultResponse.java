package dev.sandpod.web.execution;

import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.OutputCheck;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.web.apidocs.Addition;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * An execution's result as the API answers it, with timestamps and truncation flags, and the trace id of the request
 * that started it (null when it was not traced) so that support can find the run's trace.
 */
@Schema(name = "ExecutionResult")
public record ExecutionResultResponse(
        String executionId,
        @Schema(implementation = ExecutionStatus.class) String status,

        @Schema(description = "What the run printed on stdout (null until it has finished)")
        String stdout,

        String stderr,
        String lang,
        String langVersion,

        @Schema(description = "Null until the run has finished")
        Usage resourceUsage,

        Integer exitCode,

        @Schema(implementation = ErrorType.class, description = "Why the run did not end normally")
        String errorType,

        @Schema(implementation = Priority.class) String priority,
        @Addition Instant createdAt,
        @Addition Instant updatedAt,

        @Addition @Schema(description = "stdout was cut at the output limit")
        boolean stdoutTruncated,

        @Addition @Schema(description = "stderr was cut at the output limit")
        boolean stderrTruncated,

        @Addition @Schema(description = "Trace id of the request that started the run (null when not traced)")
        String traceId,

        @Addition
        @Schema(
                description = "Whether stdout matched the submission's expected_output, once the run has finished:"
                        + " exact (byte for byte) and trimmed (trailing whitespace of each line and trailing blank"
                        + " lines ignored); a cut stdout matches neither. Null without expected_output. The status"
                        + " does not depend on it.")
        OutputMatch outputMatch) {

    @Schema(name = "OutputMatch")
    public record OutputMatch(boolean exact, boolean trimmed) {}

    @Schema(name = "ResourceUsage")
    public record Usage(double executionTimeWallSeconds, long cpuTimeJiffies, int clkTckHertz, long peakMemoryKb) {

        static Usage of(ResourceUsage usage) {
            return usage == null
                    ? null
                    : new Usage(usage.wallSeconds(), usage.cpuTimeJiffies(), usage.clkTckHertz(), usage.peakMemoryKb());
        }
    }

    public static ExecutionResultResponse of(ExecutionResultView v) {
        return new ExecutionResultResponse(
                v.executionId(),
                v.status() == null ? null : v.status().wireName(),
                v.stdout(),
                v.stderr(),
                v.lang(),
                v.langVersion(),
                Usage.of(v.resourceUsage()),
                v.exitCode(),
                v.errorType() == null ? null : v.errorType().wireName(),
                v.priority() == null ? "normal" : v.priority().wireName(),
                v.createdAt(),
                v.updatedAt(),
                v.stdoutTruncated(),
                v.stderrTruncated(),
                v.traceId(),
                outputMatch(v));
    }

    /** A batch submission still waiting its turn: not an execution yet, but queued as far as its client goes. */
    static ExecutionResultResponse waiting(String executionId) {
        return new ExecutionResultResponse(
                executionId,
                ExecutionStatus.QUEUED.wireName(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "normal",
                null,
                null,
                false,
                false,
                null,
                null);
    }

    private static OutputMatch outputMatch(ExecutionResultView v) {
        if (v.status() == null || !v.status().isTerminal()) {
            return null;
        }
        OutputCheck check = OutputCheck.of(v.expectedOutput(), v.stdout(), v.stdoutTruncated());
        return check == null ? null : new OutputMatch(check.exact(), check.trimmed());
    }
}
