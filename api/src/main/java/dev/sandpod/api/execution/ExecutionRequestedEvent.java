package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/**
 * A user asked to run a script. Revision 2 adds the validated {@code inputs} (stdin, arguments, files, expected
 * output); revision 1 events read as having none.
 */
@Revision("2")
public record ExecutionRequestedEvent(
        String executionId,
        String userId,
        String script,
        String lang,
        String langVersion,
        Priority priority,
        ExecutionInputs inputs) {

    public ExecutionRequestedEvent {
        inputs = ExecutionInputs.orNone(inputs);
    }

    public ExecutionRequestedEvent(
            String executionId, String userId, String script, String lang, String langVersion, Priority priority) {
        this(executionId, userId, script, lang, langVersion, priority, ExecutionInputs.NONE);
    }
}
