package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The execution saga of a run, its steps as they happen, and cancelling it to free the only slot. */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false"
        })
class SagaJourneyTest {

    @LocalServerPort
    int port;

    private ApiSession admin() {
        return ApiSession.login(port, "admin", "admin123");
    }

    @AfterEach
    void resetSettings() {
        admin().post("/api/v1/admin/settings/reset", null);
    }

    private static JsonNode only(ApiSession session, String executionId) {
        JsonNode page = session.get("/api/v1/sagas/execution/" + executionId).body();
        assertThat(page.get("total").asInt()).isEqualTo(1);
        return page.get("sagas").get(0);
    }

    @Test
    void aRunningSagaShowsItsStepAndCancelEndsItAndFreesTheSlot() {
        ApiSession admin = admin();
        assertThat(admin.put("/api/v1/admin/settings/", Map.of("max_concurrent_executions", 1))
                        .status())
                .isEqualTo(200);
        ApiSession user =
                ApiSession.register(port, "s" + UUID.randomUUID().toString().substring(0, 8));
        ApiSession other =
                ApiSession.register(port, "o" + UUID.randomUUID().toString().substring(0, 8));
        String sleeper = user.execute("import time\ntime.sleep(60)\nprint('never')");
        String waiting = user.execute("print('next in line')");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode saga = only(user, sleeper);
            assertThat(saga.get("saga_name").asText()).isEqualTo("execution_saga");
            assertThat(saga.get("execution_id").asText()).isEqualTo(sleeper);
            assertThat(saga.get("state").asText()).isEqualTo("running");
            assertThat(saga.get("current_step").asText()).isEqualTo("run");
            assertThat(List.of(
                            saga.get("completed_steps").get(0).asText(),
                            saga.get("completed_steps").get(1).asText(),
                            saga.get("completed_steps").get(2).asText()))
                    .containsExactly("enqueue", "acquire_slot", "dispatch");
            assertThat(saga.get("completed_at").isNull()).isTrue();
        });
        JsonNode queued = only(user, waiting);
        assertThat(queued.get("state").asText()).isEqualTo("running");
        assertThat(queued.get("current_step").asText()).isEqualTo("acquire_slot");

        String sagaId = only(user, sleeper).get("saga_id").asText();
        JsonNode byId = user.get("/api/v1/sagas/" + sagaId).body();
        assertThat(byId.get("execution_id").asText()).isEqualTo(sleeper);
        assertThat(user.get("/api/v1/sagas/?state=running").body().get("total").asInt())
                .isEqualTo(2);
        assertThat(user.get("/api/v1/sagas/?execution_id=" + waiting)
                        .body()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
        assertThat(other.get("/api/v1/sagas/" + sagaId).status()).isEqualTo(403);
        assertThat(other.get("/api/v1/sagas/").body().get("total").asInt()).isZero();
        assertThat(user.get("/api/v1/sagas/?state=sleeping").status()).isEqualTo(422);
        assertThat(user.get("/api/v1/sagas/nope").status()).isEqualTo(404);

        ApiSession.Reply cancelled = admin.post("/api/v1/sagas/" + sagaId + "/cancel", null);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().get("success").asBoolean()).isTrue();
        assertThat(cancelled.body().get("saga_id").asText()).isEqualTo(sagaId);

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(user.get("/api/v1/sagas/" + sagaId)
                                .body()
                                .get("state")
                                .asText())
                        .isEqualTo("cancelled"));
        JsonNode ended = user.get("/api/v1/sagas/" + sagaId).body();
        assertThat(ended.get("current_step").isNull()).isTrue();
        assertThat(ended.get("completed_steps").toString()).contains("release_slot");
        assertThat(ended.get("completed_at").isNull()).isFalse();
        assertThat(user.awaitResult(sleeper).get("status").asText()).isEqualTo("cancelled");
        // the freed slot goes to the next queued run
        JsonNode next = user.awaitResult(waiting);
        assertThat(next.get("status").asText()).isEqualTo("completed");
        assertThat(next.get("stdout").asText()).isEqualTo("next in line\n");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(only(user, waiting).get("state").asText()).isEqualTo("completed"));
        assertThat(admin.post("/api/v1/sagas/" + sagaId + "/cancel", null).status())
                .isEqualTo(400);
        assertThat(admin.get("/api/v1/sagas/?state=cancelled")
                        .body()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
    }
}
