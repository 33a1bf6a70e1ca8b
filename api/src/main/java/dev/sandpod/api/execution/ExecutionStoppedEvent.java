package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/**
 * The runner stopped the run of a cancelled execution and reported what it had produced until then (its
 * output so far, usage, exit code). The status stays cancelled; the result is stored right after.
 */
@Revision("1")
public record ExecutionStoppedEvent(String executionId, ExecutionOutcome outcome) {}
