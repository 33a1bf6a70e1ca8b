package dev.sandpod.command.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

/**
 * One revision step of an event that gained a field: the older revision did not record it, so it reads as null
 * (each event says what null means for it). Subclasses name the event, the two revisions and the field.
 */
public abstract class NullFieldUpcaster extends SingleEventUpcaster {

    private final SimpleSerializedType from;
    private final SimpleSerializedType to;
    private final String field;

    protected NullFieldUpcaster(Class<?> type, String fromRevision, String toRevision, String field) {
        this.from = new SimpleSerializedType(type.getName(), fromRevision);
        this.to = new SimpleSerializedType(type.getName(), toRevision);
        this.field = field;
    }

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return representation.getType().equals(from);
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(to, JsonNode.class, node -> {
            ObjectNode payload = (ObjectNode) node;
            payload.putNull(field);
            return payload;
        });
    }
}
