package dev.sandpod.embedded.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import dev.sandpod.embedded.mongo.index.IndexedH2Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's care of its file (issue 20): online compaction shrinks a file full of overwritten
 * documents and keeps every document, the compressed file opens with the stock backend, and the disk-space
 * guard refuses writes (MongoDB's {@code OutOfDiskSpace}) but not reads, until space is back.
 */
class FileCareTest {

    @TempDir
    Path dir;

    @Test
    void onlineCompactionShrinksTheFileAndKeepsEveryDocument() throws Exception {
        Path file = dir.resolve("sandpod.mv");
        // No auto-compaction by H2's background writer: what shrinks the file here is the compactor alone.
        IndexedH2Backend backend = IndexedH2Backend.open(file, 0, true);
        MVStore store = backend.getMvStore();
        try (Wire wire = new Wire(backend)) {
            MongoCollection<Document> tokens = wire.client.getDatabase("test").getCollection("tokens");
            MongoCollection<Document> events = wire.client.getDatabase("test").getCollection("events");
            fillSparsely(events, tokens, store);
            store.commit();
            long before = Files.size(file);
            int fillBefore = store.getFileStore().getChunksFillRate();
            assertThat(fillBefore).isLessThan(StoreCompactor.TRIGGER_FILL_RATE);

            // The compactor keeps the store's retention time (H2's 45 s) for queries that still read freed chunks;
            // none runs here, so the freed chunks may be reused at once and one pass already cuts the file.
            store.setRetentionTime(0);
            StoreCompactor compactor = StoreCompactor.start(store, file, 0, 120_000);
            compactor.compactIfSparse(0).get(3, TimeUnit.MINUTES);
            compactor.close();

            long after = Files.size(file);
            assertThat(after)
                    .as("file %d -> %d bytes (%d %% live before)", before, after, fillBefore)
                    .isLessThan(before * 3 / 4);
            assertThat(events.countDocuments()).isEqualTo(10_000);
            assertThat(tokens.countDocuments(Filters.eq("round", 39))).isEqualTo(8);
            // Writes go on after a pass.
            tokens.insertOne(new Document("_id", "after"));
        }
        // The compressed, compacted file opens with mongo-java-server's own backend too.
        H2Backend stock = new H2Backend(file.toString());
        try (Wire wire = new Wire(stock)) {
            MongoCollection<Document> tokens = wire.client.getDatabase("test").getCollection("tokens");
            assertThat(tokens.countDocuments()).isEqualTo(9);
            assertThat(tokens.find(Filters.eq("_id", 7)).first().getInteger("round"))
                    .isEqualTo(39);
        }
    }

    @Test
    void theGuardRefusesWritesButNotReadsWhileTooLittleSpaceIsFree() throws Exception {
        IndexedH2Backend backend = IndexedH2Backend.open(dir.resolve("sandpod.mv"));
        AtomicLong reserve = new AtomicLong(0);
        backend.guardCommands(command -> DiskSpaceGuard.of(dir, reserve.get()).checkCommand(command));
        try (Wire wire = new Wire(backend)) {
            MongoCollection<Document> runs = wire.client.getDatabase("test").getCollection("runs");
            runs.insertOne(new Document("_id", "before"));

            reserve.set(Long.MAX_VALUE);
            assertThatThrownBy(() -> runs.insertOne(new Document("_id", "while full")))
                    .isInstanceOfSatisfying(
                            MongoException.class,
                            e -> assertThat(e.getCode()).isEqualTo(DiskSpaceGuard.OUT_OF_DISK_SPACE))
                    .hasMessageContaining("OutOfDiskSpace");
            assertThatThrownBy(() -> runs.deleteOne(Filters.eq("_id", "before")))
                    .isInstanceOf(MongoException.class);
            assertThat(runs.find(Filters.eq("_id", "before")).first()).isNotNull();

            reserve.set(0);
            runs.insertOne(new Document("_id", "after"));
            assertThat(runs.countDocuments()).isEqualTo(2);
        }
    }

    /**
     * Like Axon's store: events appended for good (JSON text), between them a few token documents rewritten again
     * and again, so that every chunk keeps some live data and H2 frees none whole: the chunks end up sparse.
     */
    static void fillSparsely(MongoCollection<Document> events, MongoCollection<Document> tokens, MVStore store) {
        Random random = new Random(20);
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 250; i++) {
                events.insertOne(new Document("_id", round * 1000 + i)
                        .append(
                                "aggregateIdentifier",
                                java.util.UUID.randomUUID().toString())
                        .append(
                                "serializedPayload",
                                "{\"text\":\"" + Long.toString(random.nextLong(), 36) + "x".repeat(200) + "\"}"));
                tokens.replaceOne(
                        Filters.eq("_id", i % 8),
                        new Document("_id", i % 8)
                                .append("round", round)
                                .append("token", "<token>" + random.nextLong() + "y".repeat(3000) + "</token>"),
                        new ReplaceOptions().upsert(true));
                if (i % 10 == 0) {
                    // A chunk per few writes, as H2's background writer makes them under a steady load.
                    store.commit();
                }
            }
        }
    }

    /** A Mongo-wire server on the backend and a driver client. */
    static final class Wire implements AutoCloseable {
        final MongoServer server;
        final MongoClient client;

        Wire(H2Backend backend) {
            backend.version(ServerVersion.MONGO_5_0);
            server = new MongoServer(backend);
            server.bind("127.0.0.1", 0);
            client = MongoClients.create(
                    "mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
        }

        @Override
        public void close() {
            client.close();
            server.shutdownNow();
        }
    }
}
