package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queries a read model's catch-up and the processor list send on every batch or refresh must not read
 * the whole collection: the server's scan holds the collection's lock (and its connection's event loop)
 * for as long as it deserializes every document, which at 100 000 events stalled every other reader of
 * the event store. A count without a filter ({@code countDocuments()}: the processors' total of stored
 * events) and an {@code _id} lookup with further conditions read no or one document however large the
 * collection grows, and answer as the stock backend does.
 */
class CountsAndIdLookupsDoNotScanTest {

    private static final String COLLECTION = "events";

    private WireServer indexed;
    private WireServer stock;

    @BeforeEach
    void startServers() {
        indexed = WireServer.indexed(null);
        stock = WireServer.stock(null);
        for (WireServer server : List.of(indexed, stock)) {
            server.database().getCollection(COLLECTION).createIndex(Indexes.ascending("timestamp", "seq"));
        }
    }

    @AfterEach
    void stopServers() {
        indexed.close();
        stock.close();
    }

    @Test
    void countingEveryDocumentReadsNoneOfThemAsTheCollectionGrows() {
        for (int size : List.of(500, 3000)) {
            fill(size);
            long before = indexed.documentsRead(COLLECTION);
            long count = collection(indexed).countDocuments();
            assertThat(count).isEqualTo(size).isEqualTo(collection(stock).countDocuments());
            assertThat(indexed.documentsRead(COLLECTION) - before)
                    .as("documents read by countDocuments() over %d documents", size)
                    .isZero();
        }
    }

    @Test
    void anIdLookupWithMoreConditionsReadsOnlyThatDocumentAsTheCollectionGrows() {
        for (int size : List.of(500, 3000)) {
            fill(size);
            String id = "e-" + (size - 7);
            assertReadsAtMost(2, Filters.and(Filters.eq("_id", id), Filters.eq("owner", "o-3")));
            assertReadsAtMost(2, Filters.and(Filters.eq("_id", id), Filters.gte("seq", 0)));
            assertReadsAtMost(2, Filters.and(Filters.eq("_id", id), Filters.eq("owner", "nobody")));
            assertReadsAtMost(3, Filters.and(Filters.in("_id", id, "e-1", "missing"), Filters.exists("owner")));

            // Writes find their document the same way: a guarded update and an upsert of a new id.
            for (WireServer server : List.of(indexed, stock)) {
                collection(server)
                        .updateOne(
                                Filters.and(Filters.eq("_id", id), Filters.lt("seq", 1_000_000)),
                                Updates.set("touched", true));
                collection(server)
                        .updateOne(
                                Filters.and(Filters.eq("_id", "new-" + size), Filters.eq("owner", "o-new")),
                                Updates.set("seq", -1),
                                new UpdateOptions().upsert(true));
            }
            long before = indexed.documentsRead(COLLECTION);
            collection(indexed)
                    .updateOne(
                            Filters.and(Filters.eq("_id", id), Filters.lt("seq", 1_000_000)),
                            Updates.set("touched", true));
            assertThat(indexed.documentsRead(COLLECTION) - before).isLessThanOrEqualTo(1);
            assertThat(all(indexed)).isEqualTo(all(stock));
        }
    }

    @Test
    void aCountOfOneTimestampExceptKnownIdsReadsOnlyThatTimestampAndAnswersAsTheStockBackend() {
        fill(3000);
        // The processor list's lag: events of the token's millisecond it has not seen (a long $nin).
        List<String> seen = new ArrayList<>();
        for (int i = 3; i < 3000; i += 40) {
            seen.add("e-" + i);
        }
        seen.remove(5);
        Bson unseen = Filters.and(Filters.eq("timestamp", "2026-12-07T09:00:13"), Filters.nin("owner", seen));
        Bson unseenIds = Filters.and(Filters.eq("timestamp", "2026-12-07T09:00:13"), Filters.nin("_id", seen));
        for (Bson filter : List.of(unseen, unseenIds)) {
            long before = indexed.documentsRead(COLLECTION);
            long count = collection(indexed).countDocuments(filter);
            assertThat(indexed.documentsRead(COLLECTION) - before)
                    .as("documents read for %s", filter)
                    .isEqualTo(3000 / 40);
            assertThat(count).isEqualTo(collection(stock).countDocuments(filter));
        }
        assertThat(collection(indexed).countDocuments(unseenIds)).isEqualTo(1);
    }

    @Test
    void countsWithSkipLimitAndConstantSumsAnswerAsTheStockBackendWithoutReadingDocuments() {
        fill(3000);
        Bson range = Filters.gt("timestamp", "2026-12-07T09:00:30");
        List<CountOptions> options = List.of(
                new CountOptions(),
                new CountOptions().skip(100),
                new CountOptions().limit(250),
                new CountOptions().skip(2990).limit(50),
                new CountOptions().skip(5000));
        for (CountOptions option : options) {
            long before = indexed.documentsRead(COLLECTION);
            long count = collection(indexed).countDocuments(range, option);
            assertThat(indexed.documentsRead(COLLECTION) - before).isZero();
            assertThat(count).isEqualTo(collection(stock).countDocuments(range, option));
        }
        // The same shape with other constants: group id and sums (int and long) as the server's $group gives them.
        List<Document> pipeline = List.of(
                new Document("$match", new Document("timestamp", new Document("$gte", "2026-12-07T09:00:00"))),
                new Document("$limit", 2000),
                new Document(
                        "$group",
                        new Document("_id", "all")
                                .append("twice", new Document("$sum", 2))
                                .append("huge", new Document("$sum", 3_000_000))
                                .append("long", new Document("$sum", 5L))));
        List<Document> empty = List.of(
                new Document("$match", new Document("timestamp", "none")),
                new Document("$group", new Document("_id", null).append("n", new Document("$sum", 1))));
        for (List<Document> stages : List.of(pipeline, empty)) {
            long before = indexed.documentsRead(COLLECTION);
            List<Document> answer = collection(indexed).aggregate(stages).into(new ArrayList<>());
            assertThat(indexed.documentsRead(COLLECTION) - before).isZero();
            assertThat(answer).isEqualTo(collection(stock).aggregate(stages).into(new ArrayList<>()));
        }
    }

    private void assertReadsAtMost(long documents, Bson filter) {
        long before = indexed.documentsRead(COLLECTION);
        List<Document> found = collection(indexed).find(filter).into(new ArrayList<>());
        assertThat(indexed.documentsRead(COLLECTION) - before)
                .as("documents read for %s", filter)
                .isLessThanOrEqualTo(documents);
        assertThat(found).isEqualTo(collection(stock).find(filter).into(new ArrayList<>()));
        assertThat(collection(indexed).countDocuments(filter))
                .isEqualTo(collection(stock).countDocuments(filter));
    }

    private void fill(int size) {
        for (WireServer server : List.of(indexed, stock)) {
            MongoCollection<Document> events = collection(server);
            List<Document> batch = new ArrayList<>();
            for (long i = events.countDocuments(); i < size; i++) {
                batch.add(new Document("_id", "e-" + i)
                        .append("owner", "o-" + (i % 10))
                        .append("timestamp", "2026-12-07T09:00:" + (10 + i % 40))
                        .append("seq", i));
            }
            events.insertMany(batch);
        }
    }

    private static List<Document> all(WireServer server) {
        return collection(server).find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    private static MongoCollection<Document> collection(WireServer server) {
        return server.database().getCollection(COLLECTION);
    }
}
