package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/**
 * The run holds a slot and is to be sent to a runner. Carries everything the dispatcher needs, so that
 * publishing to Kafka is a stateless projection of this one event.
 */
@Revision("1")
public record ExecutionScheduledEvent(
        String executionId, String script, String lang, String langVersion, ExecutionLimits limits) {}
