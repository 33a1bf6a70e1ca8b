package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** The platform could not run the program to its end (sandbox setup, resource limit, lost runner). */
@Revision("1")
public record ExecutionFailedEvent(String executionId, ExecutionOutcome outcome) {}
