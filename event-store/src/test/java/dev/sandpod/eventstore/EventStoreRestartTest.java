package dev.sandpod.eventstore;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.Message;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;

class EventStoreRestartTest {

    private static final String AGGREGATE_TYPE = "Probe";
    private static final int EVENT_COUNT = 5;
    private static final Instant RECORDED_AT = Instant.parse("2026-11-27T10:15:30.123456789Z");

    @TempDir
    Path dataDir;

    @Test
    void eventsAppendedThroughTheEventStoreAreReadBackInOrderAfterARestart() throws InterruptedException {
        String aggregateId = UUID.randomUUID().toString();
        List<ProbeRecordedEvent> payloads = IntStream.range(0, EVENT_COUNT)
                .mapToObj(i -> new ProbeRecordedEvent(
                        aggregateId,
                        i,
                        RECORDED_AT.plusSeconds(i),
                        Optional.of(Duration.ofMillis(i)),
                        List.of("tag-" + i)))
                .toList();

        try (ConfigurableApplicationContext context = AxonTestApplication.start(dataDir)) {
            assertThat(context.getBean(TransactionManager.class)).isSameAs(NoTransactionManager.INSTANCE);
            EventStore eventStore = context.getBean(EventStore.class);
            eventStore.publish(IntStream.range(0, EVENT_COUNT)
                    .mapToObj(i -> new GenericDomainEventMessage<>(AGGREGATE_TYPE, aggregateId, i, payloads.get(i)))
                    .toList());
        }

        try (ConfigurableApplicationContext context = AxonTestApplication.start(dataDir)) {
            EventStore eventStore = context.getBean(EventStore.class);
            List<DomainEventMessage<?>> read = new ArrayList<>(
                    eventStore.readEvents(aggregateId).asStream().toList());
            assertThat(read).extracting(DomainEventMessage::getSequenceNumber).containsExactly(0L, 1L, 2L, 3L, 4L);
            List<Object> readPayloads =
                    read.stream().<Object>map(Message::getPayload).toList();
            assertThat(readPayloads).containsExactlyElementsOf(payloads);

            List<Object> streamed = new ArrayList<>();
            try (BlockingStream<TrackedEventMessage<?>> stream = eventStore.openStream(null)) {
                while (streamed.size() < EVENT_COUNT) {
                    streamed.add(stream.nextAvailable().getPayload());
                }
            }
            assertThat(streamed).containsExactlyElementsOf(payloads);

            // Stored with Axon's own mapper: Java property names and ISO-8601 instants, whatever the web's
            // spring.jackson settings (snake_case) are.
            Document stored = context.getBean(MongoTemplate.class)
                    .getCollection("domainevents")
                    .find(eq("aggregateIdentifier", aggregateId))
                    .first();
            assertThat(stored.getString("serializedPayload"))
                    .contains("\"recordedAt\":\"2026-11-27T10:15:30.123456789Z\"")
                    .contains("\"aggregateId\"");
        }
    }

    @Test
    void theStorageEngineReadsThroughTheUpcasterBeans() {
        String aggregateId = UUID.randomUUID().toString();
        try (ConfigurableApplicationContext context = AxonTestApplication.start(dataDir, ProbeUpcaster.class)) {
            EventStore eventStore = context.getBean(EventStore.class);
            eventStore.publish(new GenericDomainEventMessage<>(
                    AGGREGATE_TYPE, aggregateId, 0, new ProbeUpcaster.LegacyProbeEvent("renamed")));

            Object payload = eventStore.readEvents(aggregateId).next().getPayload();
            assertThat(payload).isEqualTo(new ProbeUpcaster.ProbeTitledEvent("renamed"));
        }
    }

    record ProbeRecordedEvent(
            String aggregateId, int index, Instant recordedAt, Optional<Duration> elapsed, List<String> tags) {}
}
