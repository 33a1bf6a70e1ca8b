package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** The final result is recorded; the last lifecycle event of every execution. */
@Revision("1")
public record ResultStoredEvent(String executionId, ExecutionStatus status) {}
