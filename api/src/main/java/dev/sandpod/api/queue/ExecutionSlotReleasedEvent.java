package dev.sandpod.api.queue;

import org.axonframework.serialization.Revision;

@Revision("1")
public record ExecutionSlotReleasedEvent(String queueId, String executionId) {}
