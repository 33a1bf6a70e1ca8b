package dev.sandpod.embedded.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import dev.sandpod.embedded.mongo.index.IndexedH2Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the embedded store acknowledged to the event store is in its file at once, so a kill -9 right after loses
 * none of it: the data file, copied byte for byte while the server runs (what a crash leaves behind), opens with
 * every acknowledged event and snapshot. Before event writes were committed on acknowledgement, H2 stored them
 * about once a second and the copy missed the last ones.
 */
class DurableWritesTest {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteIsInTheFileTheMomentItIsAcknowledged() throws Exception {
        Path crashed = dir.resolve("crashed.mv");
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dir.resolve("live"), 0);
                MongoClient client = MongoClients.create(server.uri())) {
            MongoCollection<Document> events = client.getDatabase("sandpod").getCollection("domainevents");
            MongoCollection<Document> snapshots = client.getDatabase("sandpod").getCollection("snapshotevents");
            for (int i = 0; i < 40; i++) {
                events.insertOne(new Document("_id", i).append("payload", "event " + i));
                snapshots.updateOne(
                        Filters.eq("_id", "run-1"),
                        Updates.combine(Updates.set("lastEvent", i), Updates.set("status", "event " + i)),
                        new com.mongodb.client.model.UpdateOptions().upsert(true));
            }
            // The plug is pulled now: the file as it is on disk this instant is all a restart would find.
            Files.copy(server.file(), crashed);
        }

        IndexedH2Backend reopened = IndexedH2Backend.open(crashed);
        reopened.version(ServerVersion.MONGO_5_0);
        MongoServer server = new MongoServer(reopened);
        server.bind("127.0.0.1", 0);
        try (MongoClient client = MongoClients.create(
                "mongodb://127.0.0.1:" + server.getLocalAddress().getPort())) {
            List<Object> ids = new ArrayList<>();
            client.getDatabase("sandpod")
                    .getCollection("domainevents")
                    .find()
                    .sort(new Document("_id", 1))
                    .forEach(doc -> ids.add(doc.get("_id")));
            assertThat(ids).as("acknowledged events in the crashed file").hasSize(40);
            Document snapshot = client.getDatabase("sandpod")
                    .getCollection("snapshotevents")
                    .find(Filters.eq("_id", "run-1"))
                    .first();
            assertThat(snapshot).isNotNull();
            assertThat(snapshot.getInteger("lastEvent"))
                    .as("the last acknowledged update")
                    .isEqualTo(39);
        } finally {
            server.shutdownNow();
        }
    }
}
