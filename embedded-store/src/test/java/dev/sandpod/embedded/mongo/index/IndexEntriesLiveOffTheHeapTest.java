package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sorted indexes' entries stay as long as their documents are stored; on the heap they made the heap after
 * GC grow with every stored run (bench/soak). They are kept in a scratch store beside the data file instead,
 * whose page cache is bounded, made again from the documents at every open and removed at close; queries answer
 * from entries read back from that file as from the ones written.
 */
class IndexEntriesLiveOffTheHeapTest {

    private static final String COLLECTION = "executions";
    private static final int USERS = 3;
    private static final int DOCUMENTS = 600;
    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void entriesAreKeptInAScratchFileBesideTheDataFileMadeAgainAtEveryOpen() throws Exception {
        Path file = dir.resolve("store.mv.db");
        Path scratch = dir.resolve("store.mv.db" + IndexStore.SUFFIX);
        try (WireServer server = WireServer.indexed(file)) {
            MongoCollection<Document> executions = server.database().getCollection(COLLECTION);
            executions.createIndex(Indexes.compoundIndex(Indexes.ascending("userId"), Indexes.descending("createdAt")));
            executions.createIndex(Indexes.ascending("status", "userId", "createdAt"));
            insert(executions);
            assertKeptInTheIndexStore(server, scratch);
            assertThat(executions.countDocuments(Filters.eq("userId", user(1)))).isEqualTo(DOCUMENTS / USERS);
        }
        assertThat(scratch).as("removed at close").doesNotExist();
        // A scratch file left by a crash is not trusted: the next open starts a new one from the documents.
        Files.write(scratch, new byte[] {1, 2, 3});
        try (WireServer server = WireServer.indexed(file)) {
            assertKeptInTheIndexStore(server, scratch);
            MongoCollection<Document> executions = server.database().getCollection(COLLECTION);
            ((IndexedH2Backend) server.backend()).indexStore().store().commit();
            List<Document> newest = executions
                    .find(Filters.eq("userId", user(2)))
                    .sort(Sorts.descending("createdAt"))
                    .limit(2)
                    .into(new ArrayList<>());
            assertThat(newest).extracting(d -> d.getInteger("n")).containsExactly(DOCUMENTS - 1, DOCUMENTS - 4);
            assertThat(executions.countDocuments(
                            Filters.and(Filters.eq("status", "failed"), Filters.eq("userId", user(0)))))
                    .isEqualTo(DOCUMENTS / 2 / USERS);
        }
    }

    @Test
    void theIndexStoresCacheIsASixteenthOfTheHeapWithinBounds() {
        assertThat(IndexStore.cacheMegabytes(512 * MB)).isEqualTo(32);
        assertThat(IndexStore.cacheMegabytes(64 * MB)).isEqualTo(IndexStore.MIN_CACHE_MB);
        assertThat(IndexStore.cacheMegabytes(Long.MAX_VALUE)).isEqualTo(IndexStore.MAX_CACHE_MB);
    }

    @Test
    void everyKindOfKeyValueReadsBackEqualOfTheSameClassAndInTheSameOrder() {
        Object[] values = {
            "user-1",
            42L,
            7,
            2.5,
            Instant.parse("2026-12-07T10:15:30.123456789Z"),
            new ObjectId(),
            UUID.randomUUID(),
            true,
            null,
            new de.bwaldvogel.mongo.bson.Document("a", 1).append("b", "x"),
            -3L
        };
        boolean[] ascending = new boolean[values.length];
        Arrays.fill(ascending, true);
        IndexEntryType type = new IndexEntryType(values.length, IndexEntry.order(ascending));
        IndexEntry written = new IndexEntry(values, "id-1");
        WriteBuffer buffer = new WriteBuffer();
        type.write(buffer, written);
        ByteBuffer bytes = buffer.getBuffer();
        bytes.flip();
        IndexEntry read = type.read(bytes);
        for (int i = 0; i < values.length; i++) {
            assertThat(read.value(i)).as("value %d", i).isEqualTo(values[i]);
            if (values[i] != null) {
                assertThat(read.value(i)).as("value %d", i).isInstanceOf(values[i].getClass());
            }
        }
        assertThat(read.id).isEqualTo("id-1");
        assertThat(type.compare(read, written)).isZero();
    }

    private static void assertKeptInTheIndexStore(WireServer server, Path scratch) {
        IndexStore store = ((IndexedH2Backend) server.backend()).indexStore();
        assertThat(store.file()).isEqualTo(scratch);
        assertThat(scratch).exists();
        assertThat((long) store.store().getCacheSize())
                .as("the index store's page cache (MB)")
                .isLessThanOrEqualTo(IndexStore.MAX_CACHE_MB);
        int sorted = 0;
        for (var index : server.collection(COLLECTION).getIndexes()) {
            if (index instanceof SortedIndex s) {
                assertThat(s.map().getStore()).isSameAs(store.store());
                assertThat(s.entries()).as("entries of %s", s).hasSize(DOCUMENTS);
                sorted++;
            }
        }
        assertThat(sorted).isEqualTo(2);
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

    private static String user(int n) {
        return "user-0000-0000-0000-00000000000" + n;
    }
}
