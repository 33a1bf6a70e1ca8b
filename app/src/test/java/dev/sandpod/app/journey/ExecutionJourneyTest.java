package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A user's whole path through the real system: HTTP → aggregate → saga → Kafka (embedded broker) → local
 * sandbox runner → Kafka → aggregate → projection (Mongo-wire server) → SSE.
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // A fresh data dir per context; read by the embedded infrastructure before the context starts.
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.execution.timeout-seconds=3",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
        })
class ExecutionJourneyTest {

    private static final Duration STREAM_LIMIT = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    private ApiSession user() {
        return ApiSession.login(port, "user", "user123");
    }

    @Test
    void printingHiStreamsStatusThenResultStoredWithTheOutputAndCloses() {
        ApiSession session = user();
        String id = session.execute("print('hi')");

        List<JsonNode> frames = session.stream(id, null, STREAM_LIMIT);

        assertThat(frames.get(0).get("event_type").asText()).isEqualTo("status");
        JsonNode last = frames.get(frames.size() - 1);
        assertThat(last.get("event_type").asText()).isEqualTo("result_stored");
        JsonNode result = last.get("result");
        assertThat(result.get("status").asText()).isEqualTo("completed");
        assertThat(result.get("stdout").asText()).isEqualTo("hi\n");
        assertThat(result.get("exit_code").asInt()).isZero();
        assertThat(result.get("resource_usage").get("clk_tck_hertz").asInt()).isPositive();
        assertThat(result.get("resource_usage").get("peak_memory_kb").asLong()).isPositive();
        assertThat(frames)
                .allSatisfy(
                        frame -> assertThat(frame.get("execution_id").asText()).isEqualTo(id));
    }

    @Test
    void connectingAfterTheRunEndedGivesStatusAndResultAtOnce() {
        ApiSession session = user();
        String id = session.execute("print('done')");
        session.awaitResult(id);

        long started = System.nanoTime();
        List<JsonNode> frames = session.stream(id, null, Duration.ofSeconds(5));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(frames).extracting(f -> f.get("event_type").asText()).containsExactly("status", "result_stored");
        assertThat(frames.get(0).get("status").asText()).isEqualTo("completed");
        assertThat(frames.get(1).get("result").get("stdout").asText()).isEqualTo("done\n");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void theResultEndpointAndTheListShowTheFinishedRun() {
        ApiSession session = user();
        String id = session.execute("print(6 * 7)");
        session.awaitResult(id);

        ApiSession.Reply result = session.get("/api/v1/executions/" + id + "/result");
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body().get("stdout").asText()).isEqualTo("42\n");
        assertThat(result.body().get("lang").asText()).isEqualTo("python");
        assertThat(result.body().get("lang_version").asText()).isEqualTo("3.11");

        ApiSession.Reply list = session.get("/api/v1/user/executions?limit=200");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("executions").findValuesAsText("execution_id"))
                .contains(id);
        assertThat(list.body().get("total").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aSyntaxErrorCompletesWithANonZeroExitAndTheErrorInStderr() {
        ApiSession session = user();
        String id = session.execute("def broken(:\n    pass\n");

        JsonNode result = session.awaitResult(id);

        assertThat(result.get("status").asText()).isEqualTo("completed");
        assertThat(result.get("exit_code").asInt()).isNotZero();
        assertThat(result.get("stderr").asText()).contains("SyntaxError");
    }

    @Test
    void aBusyLoopTimesOutWithinTheConfiguredTimeoutPlusTwoSeconds() {
        ApiSession session = user();
        long started = System.nanoTime();
        String id = session.execute("while True: pass");

        JsonNode result = session.awaitResult(id);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.get("status").asText()).isEqualTo("timeout");
        assertThat(result.get("exit_code").asInt()).isEqualTo(-1);
        assertThat(result.get("error_type").asText()).isEqualTo("timeout");
        assertThat(took).isLessThan(Duration.ofSeconds(3 + 2));
    }

    @Test
    void anUnsafeRequestWithoutTheCsrfHeaderIsForbidden() {
        ApiSession.Reply reply = user().postWithoutCsrf("/api/v1/execute", Map.of("script", "print(1)"));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.body().get("detail").asText()).isEqualTo("CSRF validation failed");
    }

    @Test
    void anotherUsersResultIsForbidden() {
        String id = user().execute("print('mine')");

        ApiSession.Reply reply =
                ApiSession.login(port, "admin", "admin123").get("/api/v1/executions/" + id + "/result");
        assertThat(reply.status()).isEqualTo(200);

        registerIfMissing("mallory", "mallory@example.com", "mallory-password");
        ApiSession.Reply foreign =
                ApiSession.login(port, "mallory", "mallory-password").get("/api/v1/executions/" + id + "/result");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body().get("type").asText()).isNotBlank();
    }

    @Test
    void withoutACookieTheApiAnswers401() {
        ApiSession.Reply reply = ApiSession.anonymous(port, "GET", "/api/v1/user/executions", null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.body().get("detail").asText()).isNotBlank();
        assertThat(reply.body().has("type")).isTrue();
    }

    @Test
    void anUnsupportedLanguageIsA422WithTheSupportedList() {
        ApiSession.Reply reply = user().post("/api/v1/execute", Map.of("script", "x", "lang", "cobol"));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.body().get("detail").asText()).startsWith("Language 'cobol' not supported. Supported:");
    }

    @Test
    void aScriptOverTheLimitIsA422() {
        ApiSession.Reply reply = user().post("/api/v1/execute", Map.of("script", "#".repeat(50_001)));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.body().get("detail").isArray()).isTrue();
    }

    @Test
    void theLivenessProbeAnswersWithoutASession() {
        ApiSession.Reply reply = ApiSession.anonymous(port, "GET", "/api/v1/health/live", null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void theReadinessProbeChecksTheEventStoreKafkaAndTheSandbox() {
        ApiSession.Reply reply = ApiSession.anonymous(port, "GET", "/api/v1/health/ready", null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("checks").get("event_store").asText()).isEqualTo("ok");
        assertThat(reply.body().get("checks").get("kafka").asText()).isEqualTo("ok");
        assertThat(reply.body().get("checks").get("sandbox").asText()).isEqualTo("ok");
        assertThat(reply.body().get("sandbox").toString()).contains("cgroup");
    }

    @Test
    void anUnknownApiPathIsAJson404AndAClientRouteServesTheSpa() {
        ApiSession.Reply missing = user().get("/api/v1/no-such-thing");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("type").asText()).isNotBlank();

        ApiSession.Reply page = ApiSession.anonymous(port, "GET", "/editor", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().asText()).containsIgnoringCase("<html");
    }

    private void registerIfMissing(String username, String email, String password) {
        ApiSession.Reply reply = ApiSession.anonymous(
                port,
                "POST",
                "/api/v1/auth/register",
                Map.of("username", username, "email", email, "password", password));
        assertThat(reply.status()).isIn(200, 409);
    }
}
