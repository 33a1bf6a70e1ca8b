package dev.sandpod.embedded.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 closes the store for good after an error it cannot recover from in place (a background write that ran out
 * of heap: {@code OutOfMemoryError: Capacity} under output floods, issue 20 item 8). The server notices and
 * opens the file again on the same port: the same client reads what was committed and writes again.
 */
class StoreRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aStoreClosedByH2IsReopenedAndServesTheSameClientAgain() {
        AtomicInteger reopenings = new AtomicInteger();
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dir, 0);
                MongoClient client = MongoClients.create(server.uri() + "?serverSelectionTimeoutMS=2000")) {
            server.onReopen(reopenings::incrementAndGet);
            MongoCollection<Document> runs =
                    client.getDatabase(EmbeddedMongoServer.DATABASE).getCollection("runs");
            runs.insertOne(new Document("_id", "before").append("status", "completed"));
            MVStore failed = server.mvStore();
            failed.commit();

            // What H2 does when its background writer fails: it records the error (and rethrows it); the store
            // is closed at its next operation.
            assertThatThrownBy(() -> failed.panic(
                            DataUtils.newMVStoreException(DataUtils.ERROR_WRITING_FAILED, "Capacity: 33787437")))
                    .hasMessageContaining("Capacity");

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(server.mvStore()).isNotSameAs(failed).isNotNull();
                        assertThat(runs.find(Filters.eq("_id", "before")).first())
                                .isNotNull();
                    });
            assertThat(failed.isClosed()).isTrue();
            // the app restarts its event processors from their stored tokens on this signal
            assertThat(reopenings).hasValue(1);
            assertThat(server.mvStore().isClosed()).isFalse();
            runs.insertOne(new Document("_id", "after"));
            assertThat(runs.countDocuments()).isEqualTo(2);
        }
        // Closed on purpose, it stays closed: the next opening of the file finds both documents.
        try (EmbeddedMongoServer again = EmbeddedMongoServer.start(dir, 0);
                MongoClient client = MongoClients.create(again.uri())) {
            assertThat(client.getDatabase(EmbeddedMongoServer.DATABASE)
                            .getCollection("runs")
                            .countDocuments())
                    .isEqualTo(2);
        }
    }
}
