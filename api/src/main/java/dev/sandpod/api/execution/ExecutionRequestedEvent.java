package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

@Revision("1")
public record ExecutionRequestedEvent(
        String executionId, String userId, String script, String lang, String langVersion, Priority priority) {}
