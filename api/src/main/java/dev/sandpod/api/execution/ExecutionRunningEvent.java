package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** The user's program is executing. */
@Revision("1")
public record ExecutionRunningEvent(String executionId) {}
