package dev.sandpod.eventstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

/** Turns the stored legacy shape {@code {"name":..}} (no revision) into revision 1 {@code {"title":..}}. */
class ProbeUpcaster extends SingleEventUpcaster {

    private static final SimpleSerializedType LEGACY = new SimpleSerializedType(LegacyProbeEvent.class.getName(), null);
    private static final SimpleSerializedType CURRENT = new SimpleSerializedType(ProbeTitledEvent.class.getName(), "1");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return representation.getType().equals(LEGACY);
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(CURRENT, JsonNode.class, node -> {
            ObjectNode payload = (ObjectNode) node;
            payload.set("title", payload.remove("name"));
            return payload;
        });
    }

    record LegacyProbeEvent(String name) {}

    @Revision("1")
    record ProbeTitledEvent(String title) {}
}
