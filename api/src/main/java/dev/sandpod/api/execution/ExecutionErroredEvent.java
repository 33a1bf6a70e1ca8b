package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** Accepted, but it could never be dispatched to a runner. */
@Revision("1")
public record ExecutionErroredEvent(String executionId, String message) {}
