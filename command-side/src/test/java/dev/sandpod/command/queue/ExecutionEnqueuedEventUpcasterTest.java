package dev.sandpod.command.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.queue.ExecutionEnqueuedEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.junit.jupiter.api.Test;

/** Revision 1 of ExecutionEnqueuedEvent, as stored before the queued time was recorded, reads as revision 2. */
class ExecutionEnqueuedEventUpcasterTest {

    /** Like the application's event serializer: records as they are, java.time as text, unknown fields ignored. */
    private final JacksonSerializer serializer = JacksonSerializer.builder()
            .objectMapper(JsonMapper.builder()
                    .addModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .build())
            .build();

    private static GenericDomainEventEntry<String> stored(String payload, String revision) {
        return new GenericDomainEventEntry<>(
                "DispatchQueue",
                "default",
                3,
                "event-1",
                Instant.parse("2026-12-07T05:12:40.123Z"),
                ExecutionEnqueuedEvent.class.getName(),
                revision,
                payload,
                "{}");
    }

    private Object read(String payload, String revision) {
        return EventStreamUtils.upcastAndDeserializeDomainEvents(
                        Stream.of(stored(payload, revision)),
                        serializer,
                        new EventUpcasterChain(new ExecutionEnqueuedEventUpcaster()))
                .next()
                .getPayload();
    }

    /** Taken from an event store written before revision 2 (an embedded store of a journey run). */
    private static String revisionOneSample() throws IOException {
        try (InputStream in =
                ExecutionEnqueuedEventUpcasterTest.class.getResourceAsStream("execution-enqueued-revision-1.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    @Test
    void aStoredRevisionOneEventReadsWithoutAQueuedTime() throws IOException {
        assertThat(read(revisionOneSample(), "1"))
                .isEqualTo(new ExecutionEnqueuedEvent(
                        "default", "14066949-53b3-4109-addc-87f3df6983d7", Priority.NORMAL, null));
    }

    @Test
    void revisionOneIsUpcastToRevisionTwoWithAnEmptyQueuedTime() throws IOException {
        var upcast = new ExecutionEnqueuedEventUpcaster()
                .upcast(Stream.of(new InitialEventRepresentation(stored(revisionOneSample(), "1"), serializer)))
                .toList();

        assertThat(upcast).hasSize(1);
        assertThat(upcast.get(0).getType())
                .isEqualTo(new SimpleSerializedType(ExecutionEnqueuedEvent.class.getName(), "2"));
        JsonNode payload = upcast.get(0).getData(JsonNode.class).getData();
        assertThat(payload.has("queuedAt")).isTrue();
        assertThat(payload.get("queuedAt").isNull()).isTrue();
        assertThat(payload.get("priority").asText()).isEqualTo("NORMAL");
    }

    @Test
    void aRevisionTwoEventIsLeftAsItIs() {
        String stored = "{\"queueId\":\"default\",\"executionId\":\"e-2\",\"priority\":\"HIGH\","
                + "\"queuedAt\":\"2026-12-07T05:12:40.101Z\"}";

        assertThat(read(stored, "2"))
                .isEqualTo(new ExecutionEnqueuedEvent(
                        "default", "e-2", Priority.HIGH, Instant.parse("2026-12-07T05:12:40.101Z")));
    }
}
