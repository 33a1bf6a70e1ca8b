package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.sandpod.embedded.mongo.index.WireServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tracking stream over a dense history (thousands of events stored within one second, as a bulk import or
 * a burst makes it) reads each event about once: a batch no longer reads the whole second of look-back again
 * when the store holds nothing there that the token has not seen. An event committed late inside the look-back
 * is still delivered.
 */
class DenseHistoryIsReadWithoutItsLookBackTest {

    record Step(int n) {}

    private static final int EVENTS = 5_000;
    private static final int BATCH = 1_000;

    private WireServer server;
    private ReplaySafeMongoEventStorageEngine engine;
    private MongoCollection<Document> events;

    @BeforeEach
    void start() {
        server = WireServer.indexed(null);
        Serializer serializer = JacksonSerializer.defaultSerializer();
        MongoTemplate template =
                DefaultMongoTemplate.builder().mongoDatabase(server.database()).build();
        engine = new ReplaySafeMongoEventStorageEngine(MongoEventStorageEngine.builder()
                .mongoTemplate(template)
                .eventSerializer(serializer)
                .snapshotSerializer(serializer)
                .batchSize(BATCH));
        engine.ensureIndexes();
        events = template.eventCollection();
        for (int commit = 0; commit < EVENTS / BATCH; commit++) {
            List<EventMessage<?>> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                int n = commit * BATCH + i;
                batch.add(new GenericDomainEventMessage<>("Run", "run-" + n, 0, new Step(n)));
            }
            engine.appendEvents(batch);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<TrackedEventMessage<?>> readAfter(TrackingToken token) {
        return engine.readEvents(token, false).collect(Collectors.toList());
    }

    @Test
    void eachEventOfADenseHistoryIsReadAboutOnce() {
        long before = server.documentsRead(events.getNamespace().getCollectionName());

        List<TrackedEventMessage<?>> read = readAfter(null);

        long documents = server.documentsRead(events.getNamespace().getCollectionName()) - before;
        assertThat(read).hasSize(EVENTS);
        assertThat(read.stream().map(e -> ((Step) e.getPayload()).n()).distinct())
                .hasSize(EVENTS);
        // Before: each batch after the first read the events of the second before it again (all of them here):
        // 1 000 + 2 000 + … = 15 000 documents for 5 000 events.
        assertThat(documents).as("documents read for %d events", EVENTS).isLessThan(EVENTS + 2 * BATCH);
    }

    @Test
    void anEventCommittedLateInsideTheLookBackIsStillDelivered() {
        List<TrackedEventMessage<?>> read = readAfter(null);
        TrackingToken token = read.get(read.size() - 1).trackingToken();

        // Another writer's event, stored with a time inside the token's look-back, visible only now.
        Document last = events.find().sort(Sorts.descending("timestamp")).first();
        Instant lastTime = DateTimeUtils.parseInstant(last.getString("timestamp"));
        Document late = new Document(last);
        late.put("_id", "late-event");
        late.put("eventIdentifier", "late-event");
        late.put("aggregateIdentifier", "run-late");
        late.put("timestamp", DateTimeUtils.formatInstant(lastTime.minusMillis(1)));
        events.insertOne(late);
        assertThat(events.countDocuments(Filters.eq("eventIdentifier", "late-event")))
                .isEqualTo(1);

        assertThat(readAfter(token)).extracting(EventMessage::getIdentifier).containsExactly("late-event");
    }
}
