package dev.sandpod.api.queue;

import dev.sandpod.api.execution.Priority;
import org.axonframework.serialization.Revision;

@Revision("1")
public record ExecutionEnqueuedEvent(String queueId, String executionId, Priority priority) {}
