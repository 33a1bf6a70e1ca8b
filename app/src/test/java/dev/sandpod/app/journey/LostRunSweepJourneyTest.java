package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.projections.execution.ExecutionDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * A run whose backstop deadline was lost (an app killed between the saga's token and its deadline, as the kill
 * -9 journey can) still ends: the lost-run sweep finds it scheduled long past its backstop and expires it. Here
 * no executor takes the run and the backstop is 10 minutes away, so only the sweep can end it; the run's last
 * change is set an hour back, as a run lost before a restart would look.
 */
class LostRunSweepJourneyTest {

    private ConfigurableApplicationContext running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void aRunWhoseBackstopWasLostIsExpiredByTheSweep() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-lost-run");
        running = AppOnDataDir.start(
                dataDir,
                AppOnDataDir.RATE_LIMITS_OFF,
                "--sandpod.executor.enabled=false",
                "--sandpod.execution.timeout-seconds=2",
                "--sandpod.execution.backstop-grace-seconds=600",
                "--sandpod.execution.lost-run-sweep-period=500ms");
        int port = AppOnDataDir.port(running);
        ApiSession user = ApiSession.register(port, "lost-" + Long.toHexString(System.nanoTime()));
        String id = user.execute("print('never run')");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "scheduled".equals(status(user, id)));

        // Left alone, nothing ends it for ten minutes: no executor, and the sweep waits past the backstop.
        MongoTemplate mongo = running.getBean(MongoTemplate.class);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> "scheduled".equals(status(user, id)));

        // While the executions read model is rebuilt (recorded as running, as the instance doing it records it for
        // every instance), what it shows is not swept: a run ended long ago looks scheduled an hour ago then.
        RecordedRebuild rebuild = new RecordedRebuild(running, "executions");
        mongo.updateFirst(
                Query.query(Criteria.where("_id").is(id)),
                Update.update("updatedAt", Instant.now().minus(Duration.ofHours(1))),
                ExecutionDocument.class);
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> "scheduled".equals(status(user, id)));

        // Once no rebuild runs, the same document is a lost run, and the sweep ends it.
        rebuild.close();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "error".equals(status(user, id)));
        JsonNode events = user.get("/api/v1/executions/" + id + "/events").body();
        assertThat(events.toString()).contains("its backstop was lost");
        assertThat(events.findValuesAsText("event_type")).containsOnlyOnce("result_stored");
    }

    private static String status(ApiSession session, String id) {
        return session.get("/api/v1/executions/" + id + "/result")
                .body()
                .get("status")
                .asText();
    }
}
