package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

@Revision("1")
public record ExecutionPriorityChangedEvent(
        String executionId, Priority previous, Priority priority, String changedBy) {}
