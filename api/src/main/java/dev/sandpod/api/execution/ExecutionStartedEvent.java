package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** A runner took the run and set up its sandbox. */
@Revision("1")
public record ExecutionStartedEvent(String executionId, String runner) {}
