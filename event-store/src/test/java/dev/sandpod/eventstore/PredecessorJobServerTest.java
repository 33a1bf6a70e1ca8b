package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.sandpod.embedded.mongo.EmbeddedMongoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.bson.Document;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.storage.BackgroundJobServerStatus;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * After a kill -9, or on data restored from a backup taken while the app ran, the store still records the
 * background-job server that was running then, with a fresh heartbeat. That record must not keep the
 * restarted app from firing deadlines: the new server is the only one, and so the one that moves due
 * deadlines (JobRunr's master).
 */
class PredecessorJobServerTest {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final String SERVERS = "background_job_servers";

    @TempDir
    Path dataDir;

    @Test
    void aServerLeftBehindByAKilledAppDoesNotHoldTheMasterRoleAfterTheRestart() {
        UUID predecessor = UUID.randomUUID();
        try (ConfigurableApplicationContext context = AxonTestApplication.start(dataDir)) {
            StorageProvider jobs = context.getBean(StorageProvider.class);
            await().atMost(STARTUP).until(() -> !jobs.getBackgroundJobServers().isEmpty());
            // What a killed app leaves: a server record that looks alive, older than any new one.
            MongoCollection<Document> servers = context.getBean(MongoClient.class)
                    .getDatabase(EmbeddedMongoServer.DATABASE)
                    .getCollection(SERVERS);
            Document alive = servers.find().first();
            assertThat(alive).as("the running server's record").isNotNull();
            alive.put("_id", predecessor);
            alive.put("firstHeartbeat", Date.from(Instant.now().minus(Duration.ofHours(1))));
            alive.put("lastHeartbeat", Date.from(Instant.now().plus(Duration.ofMinutes(10))));
            servers.insertOne(alive);
            assertThat(jobs.getBackgroundJobServers())
                    .extracting(BackgroundJobServerStatus::getId)
                    .contains(predecessor);
        }

        try (ConfigurableApplicationContext context = AxonTestApplication.start(dataDir)) {
            StorageProvider jobs = context.getBean(StorageProvider.class);
            UUID self = context.getBean(BackgroundJobServer.class).getId();
            await().atMost(STARTUP).until(() -> !jobs.getBackgroundJobServers().isEmpty());
            assertThat(jobs.getBackgroundJobServers())
                    .extracting(BackgroundJobServerStatus::getId)
                    .containsExactly(self);
            assertThat(jobs.getLongestRunningBackgroundJobServerId()).isEqualTo(self);
            await().atMost(STARTUP)
                    .until(() -> context.getBean(BackgroundJobServer.class).isMaster());
        }
    }
}
