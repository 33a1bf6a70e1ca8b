package dev.sandpod.web.execution;

import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ResourceUsage;
import java.time.Instant;

/**
 * An execution's result as the API answers it, with timestamps and truncation flags, and the trace id of the request
 * that started it (null when it was not traced) so that support can find the run's trace.
 */
public record ExecutionResultResponse(
        String executionId,
        String status,
        String stdout,
        String stderr,
        String lang,
        String langVersion,
        Usage resourceUsage,
        Integer exitCode,
        String errorType,
        String priority,
        Instant createdAt,
        Instant updatedAt,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        String traceId) {

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
                v.traceId());
    }
}
