package dev.sandpod.api.execution;

import java.time.Instant;

public record ExecutionResultView(
        String executionId,
        String userId,
        ExecutionStatus status,
        String stdout,
        String stderr,
        String lang,
        String langVersion,
        ResourceUsage resourceUsage,
        Integer exitCode,
        ErrorType errorType,
        Priority priority,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        Instant createdAt,
        Instant updatedAt,
        String script,
        String traceId,
        String expectedOutput) {}
