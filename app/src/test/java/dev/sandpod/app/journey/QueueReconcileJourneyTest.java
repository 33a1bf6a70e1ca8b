package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.queue.EnqueueExecutionCommand;
import dev.sandpod.api.queue.QueueIds;
import dev.sandpod.api.queue.ReleaseExecutionSlotCommand;
import dev.sandpod.projections.execution.ExecutionDocument;
import dev.sandpod.projections.queue.QueueProjection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The queue heals what a crash or a restore between the execution saga's progress and its commands leaves
 * behind (see {@code QueueReconciler}). With one slot, the two faults are made as a kill -9 would leave them,
 * by the commands the saga would have sent or not: a slot held by a run that has ended (its release lost), and a
 * queued run the queue does not know (its enqueue lost). Each would stop the runs behind it for ever; both
 * complete, each once. While the executions read model is rebuilt it shows old runs as queued, and the queue is
 * left alone then.
 */
class QueueReconcileJourneyTest {

    private ConfigurableApplicationContext running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void aLeakedSlotIsReleasedAndAForgottenRunIsQueuedAgain() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-queue-reconcile");
        running = AppOnDataDir.start(
                dataDir,
                AppOnDataDir.RATE_LIMITS_OFF,
                "--sandpod.execution.queue-reconcile-period=500ms",
                "--sandpod.execution.queue-reconcile-margin=3s");
        int port = AppOnDataDir.port(running);
        CommandGateway commands = running.getBean(CommandGateway.class);
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        assertThat(admin.put("/api/v1/admin/settings/", Map.of("max_concurrent_executions", 1))
                        .status())
                .isEqualTo(200);
        ApiSession user = ApiSession.register(port, "reconcile-" + Long.toHexString(System.nanoTime()));

        // A leaked slot: a run that has ended holds the only slot (granted again after its saga ended).
        String ended = user.execute("python", "3.11", "print('ended')");
        assertThat(user.awaitResult(ended).get("status").asText()).isEqualTo("completed");
        commands.sendAndWait(new EnqueueExecutionCommand(QueueIds.DEFAULT, ended, Priority.NORMAL, Instant.now(), 1));
        String behindLeak = user.execute("python", "3.11", "print('behind the leak')");
        JsonNode first = awaitEnd(user, behindLeak);
        assertThat(first.get("status").asText()).isEqualTo("completed");
        assertThat(first.get("stdout").asText()).isEqualTo("behind the leak\n");

        // A forgotten run: queued behind a long run, then dropped from the queue as a lost enqueue leaves it.
        String blocker = user.execute("python", "3.11", "import time\ntime.sleep(120)\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> "running".equals(status(user, blocker)));
        String forgotten = user.execute("python", "3.11", "print('forgotten')");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> admin.get("/api/v1/admin/executions/queue")
                                .body()
                                .get("queue_depth")
                                .asInt()
                        == 1);
        commands.sendAndWait(new ReleaseExecutionSlotCommand(QueueIds.DEFAULT, forgotten, 1));
        assertThat(user.post("/api/v1/executions/" + blocker + "/cancel", Map.of("reason", "make room"))
                        .status())
                .isEqualTo(200);
        JsonNode second = awaitEnd(user, forgotten);
        assertThat(second.get("status").asText()).isEqualTo("completed");
        assertThat(second.get("stdout").asText()).isEqualTo("forgotten\n");

        for (String id : new String[] {ended, behindLeak, forgotten}) {
            assertThat(user.get("/api/v1/executions/" + id + "/events?limit=100")
                            .body()
                            .findValuesAsText("event_type"))
                    .as(id)
                    .containsOnlyOnce("result_stored", "execution_completed");
        }
    }

    @Test
    void aRunShownQueuedByARebuildInProgressIsNotEnqueuedAgain() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-queue-reconcile-rebuild");
        running = AppOnDataDir.start(
                dataDir,
                AppOnDataDir.RATE_LIMITS_OFF,
                "--sandpod.execution.queue-reconcile-period=500ms",
                "--sandpod.execution.queue-reconcile-margin=2s");
        int port = AppOnDataDir.port(running);
        ApiSession user = ApiSession.register(port, "rebuilt-" + Long.toHexString(System.nanoTime()));
        String ended = user.execute("python", "3.11", "print('long ago')");
        assertThat(user.awaitResult(ended).get("status").asText()).isEqualTo("completed");
        QueueProjection queue = running.getBean(QueueProjection.class);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> queue.entries(Set.of(ended)).isEmpty());

        // What a rebuild of `executions` that has replayed this run's request but not yet its end shows (recorded as
        // running, as the instance doing it records it for every instance).
        RecordedRebuild rebuild = new RecordedRebuild(running, "executions");
        MongoTemplate mongo = running.getBean(MongoTemplate.class);
        mongo.updateFirst(
                Query.query(Criteria.where("_id").is(ended)),
                Update.update("status", "QUEUED").set("updatedAt", Instant.now().minus(Duration.ofHours(1))),
                ExecutionDocument.class);

        await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(10))
                .until(() -> queue.entries(Set.of(ended)).isEmpty());

        // The same document once no rebuild runs is a forgotten enqueue, and is healed: the check above could fail.
        rebuild.close();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !queue.entries(Set.of(ended)).isEmpty());
    }

    private static JsonNode awaitEnd(ApiSession user, String id) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> !Set.of("queued", "scheduled", "running").contains(status(user, id)));
        return user.get("/api/v1/executions/" + id + "/result").body();
    }

    private static String status(ApiSession session, String id) {
        return session.get("/api/v1/executions/" + id + "/result")
                .body()
                .get("status")
                .asText();
    }
}
