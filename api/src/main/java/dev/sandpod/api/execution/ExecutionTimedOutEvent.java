package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** The wall-clock or CPU limit was hit; output up to the kill is kept. */
@Revision("1")
public record ExecutionTimedOutEvent(String executionId, ExecutionOutcome outcome) {}
