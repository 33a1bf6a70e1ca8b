package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Stop and start the application on the same data directory, as an operator would. */
class RestartJourneyTest {

    private static final int TIMEOUT_SECONDS = 3;
    private static final int BACKSTOP_GRACE_SECONDS = 5;
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "timeout", "cancelled", "error");

    private ConfigurableApplicationContext running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return AppOnDataDir.start(
                dataDir,
                AppOnDataDir.RATE_LIMITS_OFF,
                "--sandpod.execution.timeout-seconds=" + TIMEOUT_SECONDS,
                "--sandpod.execution.backstop-grace-seconds=" + BACKSTOP_GRACE_SECONDS);
    }

    private static int portOf(ConfigurableApplicationContext context) {
        return AppOnDataDir.port(context);
    }

    @Test
    void usersAndPastExecutionsSurviveARestartAndARunInterruptedByItStillEnds() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-restart");
        running = start(dataDir);
        ApiSession before = ApiSession.login(portOf(running), "user", "user123");
        String finished = before.execute("print('before the restart')");
        assertThat(before.awaitResult(finished).get("status").asText()).isEqualTo("completed");
        String interrupted = before.execute("import time\nprint('started', flush=True)\ntime.sleep(60)\n");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "running"
                        .equals(before.get("/api/v1/executions/" + interrupted + "/result")
                                .body()
                                .get("status")
                                .asText()));

        running.close();
        running = start(dataDir);

        ApiSession after = ApiSession.login(portOf(running), "user", "user123");
        JsonNode past = after.get("/api/v1/executions/" + finished + "/result").body();
        assertThat(past.get("status").asText()).isEqualTo("completed");
        assertThat(past.get("stdout").asText()).isEqualTo("before the restart\n");
        assertThat(after.get("/api/v1/user/executions").body().get("executions").findValuesAsText("execution_id"))
                .contains(finished, interrupted);
        await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS + BACKSTOP_GRACE_SECONDS + 40))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> TERMINAL.contains(after.get("/api/v1/executions/" + interrupted + "/result")
                        .body()
                        .get("status")
                        .asText()));
    }
}
