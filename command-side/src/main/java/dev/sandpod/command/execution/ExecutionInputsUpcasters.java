package dev.sandpod.command.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.springframework.stereotype.Component;

/**
 * Revision 1 → 2 of the two execution events that gained the run's inputs (stdin, arguments, files, expected
 * output): a run requested before inputs existed had none, so {@code inputs} reads as null, which the events
 * turn into "no inputs".
 */
final class ExecutionInputsUpcasters {

    private ExecutionInputsUpcasters() {}

    private abstract static class AddInputs extends SingleEventUpcaster {

        private final SimpleSerializedType from;
        private final SimpleSerializedType to;

        AddInputs(Class<?> type) {
            this.from = new SimpleSerializedType(type.getName(), "1");
            this.to = new SimpleSerializedType(type.getName(), "2");
        }

        @Override
        protected boolean canUpcast(IntermediateEventRepresentation representation) {
            return representation.getType().equals(from);
        }

        @Override
        protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
            return representation.upcastPayload(to, JsonNode.class, node -> {
                ObjectNode payload = (ObjectNode) node;
                payload.putNull("inputs");
                return payload;
            });
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
