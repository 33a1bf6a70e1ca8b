package dev.sandpod.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A user asks to run a script. The runtime has been checked against the registry, and the inputs against
 * {@link InputLimits}, by the admission.
 */
public record RequestExecutionCommand(
        @TargetAggregateIdentifier String executionId,
        String userId,
        String script,
        String lang,
        String langVersion,
        Priority priority,
        ExecutionInputs inputs) {

    public RequestExecutionCommand {
        inputs = ExecutionInputs.orNone(inputs);
    }

    public RequestExecutionCommand(
            String executionId, String userId, String script, String lang, String langVersion, Priority priority) {
        this(executionId, userId, script, lang, langVersion, priority, ExecutionInputs.NONE);
    }
}
