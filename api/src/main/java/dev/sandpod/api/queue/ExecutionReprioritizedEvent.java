package dev.sandpod.api.queue;

import dev.sandpod.api.execution.Priority;
import org.axonframework.serialization.Revision;

/** A waiting execution keeps its place in arrival order but now waits at this priority. */
@Revision("1")
public record ExecutionReprioritizedEvent(String queueId, String executionId, Priority priority) {}
