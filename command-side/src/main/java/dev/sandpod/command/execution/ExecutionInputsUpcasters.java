package dev.sandpod.command.execution;

import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.command.support.NullFieldUpcaster;
import org.springframework.stereotype.Component;

/**
 * Revision 1 → 2 of the two execution events that gained the run's inputs (stdin, arguments, files, expected
 * output): a run requested before inputs existed had none, so {@code inputs} reads as null, which the events
 * turn into "no inputs".
 */
final class ExecutionInputsUpcasters {

    private ExecutionInputsUpcasters() {}

    private abstract static class AddInputs extends NullFieldUpcaster {

        AddInputs(Class<?> type) {
            super(type, "1", "2", "inputs");
        }
    }

    @Component
    static class Requested extends AddInputs {
        Requested() {
            super(ExecutionRequestedEvent.class);
        }
    }

    @Component
    static class Scheduled extends AddInputs {
        Scheduled() {
            super(ExecutionScheduledEvent.class);
        }
    }
}
