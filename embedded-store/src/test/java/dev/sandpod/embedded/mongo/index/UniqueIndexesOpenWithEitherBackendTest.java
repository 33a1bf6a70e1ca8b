package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unique indexes' maps (the {@code _id} index included) are persisted: the indexed backend opens them
 * with its own key type ({@link UniqueKeyType}), which must store and order keys exactly as the stock
 * backend does. A file written by one backend, then by the other, then by the first again must find every
 * document by its keys, refuse duplicates and accept keys freed by deletes.
 */
class UniqueIndexesOpenWithEitherBackendTest {

    private static final String COLLECTION = "events";

    @TempDir
    Path dir;

    @Test
    void aDataFileWrittenByEitherBackendKeepsItsUniqueIndexesWithTheOther() {
        Path file = dir.resolve("store.mv");
        List<Object> ids = new ArrayList<>();
        try (WireServer stock = WireServer.stock(file)) {
            MongoCollection<Document> events = stock.database().getCollection(COLLECTION);
            events.createIndex(
                    Indexes.ascending("aggregateIdentifier", "sequenceNumber"),
                    new IndexOptions().unique(true).name("uniqueAggregateIndex"));
            insert(events, ids, 0, 300);
        }
        try (WireServer indexed = WireServer.indexed(file)) {
            MongoCollection<Document> events = indexed.database().getCollection(COLLECTION);
            assertFindsAndRefuses(events, ids);
            deleteEveryThird(events, ids);
            insert(events, ids, 300, 600);
            assertFindsAndRefuses(events, ids);
        }
        try (WireServer stock = WireServer.stock(file)) {
            MongoCollection<Document> events = stock.database().getCollection(COLLECTION);
            assertFindsAndRefuses(events, ids);
            deleteEveryThird(events, ids);
            insert(events, ids, 600, 700);
        }
        try (WireServer indexed = WireServer.indexed(file)) {
            assertFindsAndRefuses(indexed.database().getCollection(COLLECTION), ids);
        }
    }

    /** Documents {@code from..to} with {@code _id}s of several types, two events per aggregate. */
    private static void insert(MongoCollection<Document> events, List<Object> ids, int from, int to) {
        for (int i = from; i < to; i++) {
            Object id = switch (i % 4) {
                case 0 -> "event-" + i;
                case 1 -> new ObjectId();
                case 2 -> (long) i * 7919;
                default -> new Document("writer", i % 5).append("n", i);
            };
            events.insertOne(new Document("_id", id)
                    .append("aggregateIdentifier", "aggregate-" + (i / 2))
                    .append("sequenceNumber", (long) (i % 2))
                    .append("n", i));
            ids.add(id);
        }
    }

    private static void deleteEveryThird(MongoCollection<Document> events, List<Object> ids) {
        List<Object> kept = new ArrayList<>();
        Document freed = events.find(Filters.eq("_id", ids.get(0))).first();
        for (int i = 0; i < ids.size(); i++) {
            if (i % 3 == 0) {
                assertThat(events.deleteOne(Filters.eq("_id", ids.get(i))).getDeletedCount())
                        .isEqualTo(1);
            } else {
                kept.add(ids.get(i));
            }
        }
        // Its _id and unique key are free again.
        events.insertOne(freed);
        kept.add(freed.get("_id"));
        ids.clear();
        ids.addAll(kept);
    }

    private static void assertFindsAndRefuses(MongoCollection<Document> events, List<Object> ids) {
        assertThat(events.countDocuments()).isEqualTo(ids.size());
        for (Object id : ids) {
            Document byId = events.find(Filters.eq("_id", id)).first();
            assertThat(byId).as("document %s by _id", id).isNotNull();
            Document byKey = events.find(Filters.and(
                            Filters.eq("aggregateIdentifier", byId.get("aggregateIdentifier")),
                            Filters.eq("sequenceNumber", byId.get("sequenceNumber"))))
                    .first();
            assertThat(byKey).as("document %s by its unique key", id).isNotNull();
            assertThat(byKey.get("_id")).isEqualTo(id);
        }
        Object first = ids.get(0);
        Document existing = events.find(Filters.eq("_id", first)).first();
        assertThatThrownBy(() -> events.insertOne(new Document("_id", first)
                        .append("aggregateIdentifier", "other")
                        .append("sequenceNumber", 0L)))
                .isInstanceOf(MongoWriteException.class);
        assertThatThrownBy(() -> events.insertOne(new Document("_id", "duplicate-key")
                        .append("aggregateIdentifier", existing.get("aggregateIdentifier"))
                        .append("sequenceNumber", existing.get("sequenceNumber"))))
                .isInstanceOf(MongoWriteException.class);
        assertThat(events.countDocuments()).isEqualTo(ids.size());
    }
}
