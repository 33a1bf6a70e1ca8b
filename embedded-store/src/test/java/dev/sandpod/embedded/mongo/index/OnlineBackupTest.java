package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The wire command {@code sandpodBackup} while a writer keeps inserting: the copy opens and misses nothing acknowledged before it. */
class OnlineBackupTest {

    @Test
    void aBackupTakenDuringWritesHoldsEveryDocumentAcknowledgedBeforeIt() throws Exception {
        Path dir = Files.createTempDirectory("online-backup");
        Path restored = dir.resolve("restored").resolve("sandpod.mv");
        int acknowledgedBefore;
        Path zip;
        try (WireServer server = WireServer.indexed(dir.resolve("sandpod.mv"))) {
            MongoCollection<Document> docs = server.database().getCollection("docs");
            AtomicInteger acknowledged = new AtomicInteger();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                for (int i = 0; writing.get(); i++) {
                    docs.insertOne(new Document("_id", i).append("payload", "x".repeat(200)));
                    acknowledged.set(i + 1);
                }
            });
            writer.start();
            while (acknowledged.get() < 2_000) {
                Thread.onSpinWait();
            }
            acknowledgedBefore = acknowledged.get();
            Document answer = server.database().runCommand(new Document(IndexedH2Backend.BACKUP_COMMAND, 1));
            writing.set(false);
            writer.join();
            zip = Path.of(answer.getString("path"));
            assertThat(zip.getParent()).isEqualTo(dir.resolve("backups"));
        }
        Files.createDirectories(restored.getParent());
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream entries = new ZipInputStream(in)) {
            ZipEntry entry = entries.getNextEntry();
            assertThat(entry).isNotNull();
            Files.copy(entries, restored);
        }
        try (WireServer copy = WireServer.indexed(restored)) {
            MongoCollection<Document> docs = copy.database().getCollection("docs");
            for (int i = 0; i < acknowledgedBefore; i++) {
                assertThat(docs.find(new Document("_id", i)).first())
                        .as("document %d", i)
                        .isNotNull();
            }
        }
    }
}
