package dev.sandpod.command.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandpod.api.queue.ExecutionEnqueuedEvent;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.springframework.stereotype.Component;

/**
 * {@link ExecutionEnqueuedEvent} revision 1 → 2: revision 2 records when the execution was queued; revision 1
 * did not, so it reads as null (the queue puts such runs first: they were queued before any with a time).
 */
@Component
class ExecutionEnqueuedEventUpcaster extends SingleEventUpcaster {

    private static final SimpleSerializedType REVISION_1 =
            new SimpleSerializedType(ExecutionEnqueuedEvent.class.getName(), "1");
    private static final SimpleSerializedType REVISION_2 =
            new SimpleSerializedType(ExecutionEnqueuedEvent.class.getName(), "2");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return representation.getType().equals(REVISION_1);
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(REVISION_2, JsonNode.class, node -> {
            ObjectNode payload = (ObjectNode) node;
            payload.putNull("queuedAt");
            return payload;
        });
    }
}
