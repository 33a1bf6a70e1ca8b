package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secondary index entries are not stored: they are rebuilt from the documents when the data file is
 * opened. After writes, updates and deletes, a restart must give indexes that hold exactly the documents
 * (one entry each), serve queries (reading only what they return) and answer like the stock backend
 * reading the same file without them.
 */
class IndexesSurviveARestartTest {

    private static final String COLLECTION = "executions";
    private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
    private static final int DOCUMENTS = 1200;

    @TempDir
    Path dir;

    @Test
    void indexesRebuiltFromTheDataFileHoldEveryDocumentOnceAndServeQueries() {
        Path file = dir.resolve("store.mv");
        try (WireServer server = WireServer.indexed(file)) {
            MongoCollection<Document> executions = server.database().getCollection(COLLECTION);
            executions.createIndex(
                    Indexes.compoundIndex(Indexes.ascending("userId"), Indexes.descending("createdAt")),
                    new IndexOptions().name("user_created"));
            executions.createIndex(
                    Indexes.ascending("executionId", "sequence"),
                    new IndexOptions().unique(true).name("execution_sequence"));
            List<Document> documents = new ArrayList<>();
            for (int i = 0; i < DOCUMENTS; i++) {
                documents.add(new Document("_id", "e-" + i)
                        .append("userId", "u-" + (i % 12))
                        .append("createdAt", Date.from(BASE.plusSeconds(i)))
                        .append("executionId", "x-" + (i % 300))
                        .append("sequence", (long) (i / 300))
                        .append("status", "queued"));
            }
            executions.insertMany(documents);
            executions.updateMany(Filters.eq("userId", "u-3"), Updates.set("userId", "u-4"));
            executions.updateMany(
                    Filters.lt("createdAt", Date.from(BASE.plusSeconds(100))), Updates.set("status", "completed"));
            executions.deleteMany(Filters.eq("userId", "u-5"));
        }

        List<List<Document>> answers;
        try (WireServer server = WireServer.indexed(file)) {
            MongoCollection<Document> executions = server.database().getCollection(COLLECTION);
            long count = executions.countDocuments();
            assertThat(count).isEqualTo(DOCUMENTS - DOCUMENTS / 12);
            Document validation = server.database().runCommand(new Document("validate", COLLECTION));
            Document keys = validation.get("keysPerIndex", Document.class);
            assertThat(((Number) keys.get("user_created")).longValue()).isEqualTo(count);

            IndexedH2Collection collection = server.collection(COLLECTION);
            long before = collection.documentsRead();
            List<Document> page = executions
                    .find(Filters.eq("userId", "u-4"))
                    .sort(Sorts.descending("createdAt"))
                    .limit(50)
                    .into(new ArrayList<>());
            assertThat(page)
                    .hasSize(50)
                    .allSatisfy(d -> assertThat(d.getString("userId")).isEqualTo("u-4"));
            assertThat(collection.documentsRead() - before)
                    .as("read through the rebuilt index")
                    .isLessThanOrEqualTo(51);

            // Written after the restart: maintained as before it.
            executions.insertOne(new Document("_id", "late")
                    .append("userId", "u-4")
                    .append("createdAt", Date.from(BASE.plusSeconds(99_999)))
                    .append("executionId", "x-late")
                    .append("sequence", 0L));
            assertThat(executions
                            .find(Filters.eq("userId", "u-4"))
                            .sort(Sorts.descending("createdAt"))
                            .first()
                            .get("_id"))
                    .isEqualTo("late");
            answers = answers(server);
        }

        try (WireServer stock = WireServer.stock(file)) {
            assertThat(answers).isEqualTo(answers(stock));
        }
        try (WireServer again = WireServer.indexed(file)) {
            assertThat(answers(again))
                    .as("a second restart after the stock backend wrote nothing")
                    .isEqualTo(answers);
        }
    }

    private static List<List<Document>> answers(WireServer server) {
        MongoCollection<Document> executions = server.database().getCollection(COLLECTION);
        List<Bson> filters = List.of(
                Filters.eq("userId", "u-4"),
                Filters.eq("userId", "u-3"),
                Filters.eq("userId", "u-5"),
                Filters.and(Filters.eq("userId", "u-7"), Filters.gte("createdAt", Date.from(BASE.plusSeconds(500)))),
                Filters.and(Filters.eq("executionId", "x-17"), Filters.gte("sequence", 1L)));
        List<List<Document>> answers = new ArrayList<>();
        for (Bson filter : filters) {
            answers.add(
                    executions.find(filter).sort(Sorts.descending("createdAt")).into(new ArrayList<>()));
            answers.add(List.of(new Document("count", executions.countDocuments(filter))));
        }
        return answers;
    }
}
