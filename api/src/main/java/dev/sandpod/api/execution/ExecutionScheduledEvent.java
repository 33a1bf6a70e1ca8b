package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/**
 * The run holds a slot and is to be sent to a runner. Carries everything the dispatcher needs, so that
 * publishing to Kafka is a stateless projection of this one event. Revision 2 adds the run's {@code inputs};
 * revision 1 events read as having none.
 */
@Revision("2")
public record ExecutionScheduledEvent(
        String executionId,
        String script,
        String lang,
        String langVersion,
        ExecutionLimits limits,
        ExecutionInputs inputs) {

    public ExecutionScheduledEvent {
        inputs = ExecutionInputs.orNone(inputs);
    }

    public ExecutionScheduledEvent(
            String executionId, String script, String lang, String langVersion, ExecutionLimits limits) {
        this(executionId, script, lang, langVersion, limits, ExecutionInputs.NONE);
    }
}
