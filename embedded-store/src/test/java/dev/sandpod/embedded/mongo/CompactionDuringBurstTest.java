package dev.sandpod.embedded.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import dev.sandpod.embedded.mongo.FileCareTest.Wire;
import dev.sandpod.embedded.mongo.index.IndexedH2Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online compaction waits while a burst of writes (a read model's rebuild) has more uncommitted than a round's
 * worth of changes: a pass commits after every round, and each commit writes every page changed since the last
 * one, so compacting during a rebuild rewrote the whole rebuilt model about once a second (bench/operations).
 * Once the burst is committed, the next check compacts as before.
 */
class CompactionDuringBurstTest {

    @TempDir
    Path dir;

    @Test
    void aPassWaitsForTheBurstToBeCommittedThenShrinksTheFile() throws Exception {
        Path file = dir.resolve("sandpod.mv");
        IndexedH2Backend backend = IndexedH2Backend.open(file, 0, true);
        MVStore store = backend.getMvStore();
        // No commit by H2's background writer meanwhile: the burst stays uncommitted until the test commits it.
        store.setAutoCommitDelay(0);
        try (Wire wire = new Wire(backend)) {
            MongoCollection<Document> tokens = wire.client.getDatabase("test").getCollection("tokens");
            MongoCollection<Document> events = wire.client.getDatabase("test").getCollection("events");
            FileCareTest.fillSparsely(events, tokens, store);
            store.commit();
            assertThat(store.getFileStore().getChunksFillRate()).isLessThan(StoreCompactor.TRIGGER_FILL_RATE);
            store.setRetentionTime(0);

            // A read model being rebuilt: many documents written, none committed yet.
            MongoCollection<Document> frames = wire.client.getDatabase("test").getCollection("frames");
            for (int i = 0; i < 3_000; i++) {
                frames.insertOne(new Document("_id", "frame-" + i).append("text", "z".repeat(1_000)));
            }
            assertThat(store.getUnsavedMemory()).isGreaterThan(StoreCompactor.BURST_UNSAVED_BYTES);
            long version = store.getCurrentVersion();
            long sizeBefore = Files.size(file);

            StoreCompactor compactor = StoreCompactor.start(store, file, 0, 120_000);
            try {
                compactor.compactIfSparse(0).get(3, TimeUnit.MINUTES);
                assertThat(store.getCurrentVersion())
                        .as("the check committed nothing during the burst")
                        .isEqualTo(version);
                assertThat(Files.size(file)).isEqualTo(sizeBefore);

                store.commit();
                long sizeCommitted = Files.size(file);
                compactor.compactIfSparse(0).get(3, TimeUnit.MINUTES);
                assertThat(Files.size(file)).isLessThan(sizeCommitted * 3 / 4);
            } finally {
                compactor.close();
            }
            assertThat(frames.countDocuments()).isEqualTo(3_000);
            assertThat(events.countDocuments()).isEqualTo(10_000);
        }
    }
}
