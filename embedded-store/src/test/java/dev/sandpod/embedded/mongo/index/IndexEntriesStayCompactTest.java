package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sorted indexes' entries stay in memory for as long as their documents are stored, so what an entry holds
 * is what the heap grows by per stored document (bench/soak: the heap after GC grew with every run). Each
 * document read from the store brings its own copy of every value: without sharing, a user's id was held once
 * per entry of every index that has it. Equal values of entries with equal leading keys are one instance, both
 * for entries added by inserts and for those built from the file when the server opens it, and the entries of
 * indexes of up to three keys hold their values without an array of their own. Measuring the retained bytes
 * per entry would need an agent; the test checks the structure that makes them small instead.
 */
class IndexEntriesStayCompactTest {

    private static final String COLLECTION = "executions";
    private static final int USERS = 3;
    private static final int DOCUMENTS = 600;

    @TempDir
    Path dir;

    @Test
    void entriesOfOneUserShareTheUsersIdAndHoldTheirValuesInline() {
        Path file = dir.resolve("store.mv.db");
        try (WireServer server = WireServer.indexed(file)) {
            MongoCollection<Document> executions = server.database().getCollection(COLLECTION);
            executions.createIndex(Indexes.compoundIndex(Indexes.ascending("userId"), Indexes.descending("createdAt")));
            executions.createIndex(Indexes.ascending("status", "userId", "createdAt"));
            insert(executions);
            assertCompact(server);
            assertThat(executions.countDocuments(Filters.eq("userId", user(1)))).isEqualTo(DOCUMENTS / USERS);
        }
        // Reopened: the indexes are built from the documents in the file, one read (one copy) per document.
        try (WireServer server = WireServer.indexed(file)) {
            assertCompact(server);
            MongoCollection<Document> executions = server.database().getCollection(COLLECTION);
            List<Document> newest = executions
                    .find(Filters.eq("userId", user(2)))
                    .sort(Sorts.descending("createdAt"))
                    .limit(2)
                    .into(new ArrayList<>());
            assertThat(newest).extracting(d -> d.getInteger("n")).containsExactly(DOCUMENTS - 1, DOCUMENTS - 4);
        }
    }

    private static void insert(MongoCollection<Document> executions) {
        Instant start = Instant.parse("2026-12-07T00:00:00Z");
        for (int n = 0; n < DOCUMENTS; n++) {
            executions.insertOne(new Document("_id", "e-" + n)
                    .append("n", n)
                    .append("userId", user(n % USERS))
                    .append("status", n % 2 == 0 ? "completed" : "failed")
                    .append("createdAt", java.util.Date.from(start.plusSeconds(n))));
        }
    }

    private static void assertCompact(WireServer server) {
        for (var index : server.collection(COLLECTION).getIndexes()) {
            if (!(index instanceof SortedIndex sorted)) {
                continue;
            }
            int userKey = sorted.path(0).equals("userId") ? 0 : 1;
            Set<Object> userIds = Collections.newSetFromMap(new IdentityHashMap<>());
            Set<Object> statuses = Collections.newSetFromMap(new IdentityHashMap<>());
            for (IndexEntry entry : sorted.entries()) {
                assertThat(entry.inline())
                        .as("entry of %s holds its values inline", sorted)
                        .isTrue();
                userIds.add(entry.value(userKey));
                if (userKey == 1) {
                    statuses.add(entry.value(0));
                }
            }
            assertThat(sorted.entries()).as("entries of %s", sorted).hasSize(DOCUMENTS);
            // One instance per run of equal leading keys: a user's id once (or once per status before it).
            assertThat(userIds)
                    .as("user id instances in %s", sorted)
                    .hasSizeLessThanOrEqualTo(userKey == 0 ? USERS : 2 * USERS);
            assertThat(statuses).as("status instances in %s", sorted).hasSizeLessThanOrEqualTo(2);
        }
    }

    private static String user(int n) {
        return "user-0000-0000-0000-00000000000" + n;
    }
}
