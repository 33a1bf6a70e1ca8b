package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** The program ran to its end, whatever its exit code. */
@Revision("1")
public record ExecutionCompletedEvent(String executionId, ExecutionOutcome outcome) {}
