package dev.sandpod.api.execution;

/** The limits one run gets, fixed when it is scheduled (later settings changes do not touch it). */
public record ExecutionLimits(
        int timeoutSeconds, long memoryBytes, int cpuMillis, int pids, long maxOutputBytes, long workspaceBytes) {}
