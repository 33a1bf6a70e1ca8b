package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.app.SandpodApplication;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The admin's dead-letter page in real Chromium: the browser journey {@code frontend/e2e/dead-letters.journey.mjs}
 * (node's test runner + playwright-core, the system Chromium, as every browser journey) against this app, in which
 * a test-only handler of the executions projection fails on scripts marked POISON-BROWSER. Two runs' events are
 * parked here; the handler is then repaired and the journey, as {@code admin}, inspects a letter, retries it
 * (the run reaches the read model) and discards the other with a reason. A dead letter cannot be provoked in the
 * built jar, so this journey runs here rather than in {@code npm run e2e}. Its screenshots go to
 * {@code frontend/test-results/}, its output to {@code app/target/dead-letters-journey.log}.
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false"
        })
@Import(AdminDeadLetterBrowserJourneyTest.PoisonConfiguration.class)
class AdminDeadLetterBrowserJourneyTest {

    private static final Duration JOURNEY_TIMEOUT = Duration.ofMinutes(8);

    /** A test-only handler in the executions projection that fails, while broken, on scripts marked POISON-BROWSER. */
    @ProcessingGroup("executions")
    static class BrowserPoison {
        volatile boolean broken = true;

        @EventHandler
        void on(ExecutionRequestedEvent event) {
            if (broken && event.script().contains("POISON-BROWSER")) {
                throw new IllegalStateException("poisoned script in " + event.executionId());
            }
        }
    }

    @TestConfiguration
    static class PoisonConfiguration {
        @Bean
        BrowserPoison browserPoison() {
            return new BrowserPoison();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    BrowserPoison poison;

    @Test
    void anAdminRetriesAndDiscardsDeadLettersInTheBrowser() throws Exception {
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        ApiSession user =
                ApiSession.register(port, "b" + UUID.randomUUID().toString().substring(0, 8));
        String toRetry = user.execute("print('POISON-BROWSER retry')");
        String toDiscard = user.execute("print('POISON-BROWSER discard')");

        // Each run's whole sequence is parked: the failed request and everything after it, up to its completion.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(parkedTypes(admin, toRetry)).contains("execution_requested", "execution_completed");
            assertThat(parkedTypes(admin, toDiscard)).contains("execution_requested", "execution_completed");
        });
        poison.broken = false;

        Path frontend = Path.of("..", "frontend").toAbsolutePath().normalize();
        Path log = Path.of("target", "dead-letters-journey.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder journey = new ProcessBuilder(
                        "node", "--test", "--test-concurrency=1", "e2e/dead-letters.journey.mjs")
                .directory(frontend.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        journey.environment().put("SANDPOD_URL", "http://127.0.0.1:" + port);
        journey.environment().put("SANDPOD_DLQ_RETRY", toRetry);
        journey.environment().put("SANDPOD_DLQ_DISCARD", toDiscard);
        // A retried attempt would find the letter retried already: one attempt, and its diagnostics on failure.
        journey.environment().put("SANDPOD_E2E_RETRIES", "0");
        journey.environment().put("SANDPOD_E2E_FORWARDED_FOR", "0");
        journey.environment()
                .put("SANDPOD_APP_PID", String.valueOf(ProcessHandle.current().pid()));
        Process process = journey.start();
        boolean ended = process.waitFor(JOURNEY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended ? process.exitValue() : -1)
                .as("the dead-letter browser journey (node + Chromium) passes; its output:%n%s", tail(log.toFile()))
                .isZero();

        // What the browser did, as the server has it: nothing of the retried run parked (and it is in the read
        // model), the other run's failed request discarded.
        assertThat(parkedTypes(admin, toRetry)).isEmpty();
        assertThat(parkedTypes(admin, toDiscard)).doesNotContain("execution_requested");
        assertThat(user.awaitResult(toRetry).get("stdout").asText()).isEqualTo("POISON-BROWSER retry\n");
    }

    private static List<String> parkedTypes(ApiSession admin, String executionId) {
        JsonNode list = admin.get("/api/v1/dlq/messages?processor=executions&limit=1000")
                .body();
        List<String> types = new ArrayList<>();
        list.get("messages").forEach(m -> {
            if (executionId.equals(m.get("aggregate_id").asText())) {
                types.add(m.get("event_type").asText());
            }
        });
        return types;
    }

    private static String tail(File log) {
        try {
            List<String> lines = Files.readAllLines(log.toPath(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
