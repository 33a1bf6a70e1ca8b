package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** The execution waits for a concurrency slot at this priority. */
@Revision("1")
public record ExecutionQueuedEvent(String executionId, String userId, Priority priority) {}
