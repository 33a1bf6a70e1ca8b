package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Stop and start the application on the same data directory: a restore and the snapshots outlive it. */
class UserSettingsRestartJourneyTest {

    private static final String SETTINGS = "/api/v1/user/settings/";

    private ConfigurableApplicationContext running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return AppOnDataDir.start(
                dataDir, AppOnDataDir.RATE_LIMITS_OFF, "--sandpod.user-settings.snapshot-threshold=3");
    }

    private static int portOf(ConfigurableApplicationContext context) {
        return AppOnDataDir.port(context);
    }

    @Test
    void aRestoreStaysRestoredAcrossARestartAndTheSnapshottedSettingsKeepWorking() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-settings-restart");
        running = start(dataDir);
        ApiSession before = ApiSession.register(portOf(running), "restarter");
        before.put(SETTINGS + "theme", Map.of("theme", "light"));
        before.put(SETTINGS + "editor", Map.of("font_size", 16));
        Instant chosen = Moments.between();
        before.put(SETTINGS + "theme", Map.of("theme", "dark"));
        before.put(SETTINGS + "editor", Map.of("font_size", 30));
        JsonNode restored = before.post(
                        SETTINGS + "restore", Map.of("timestamp", chosen.toString(), "reason", "back to light"))
                .body();
        assertThat(restored.get("theme").asText()).isEqualTo("light");
        assertThat(restored.get("version").asInt()).isEqualTo(6);
        assertThat(Files.list(dataDir).count()).as("the data dir in use").isPositive();

        running.close();
        running = start(dataDir);

        ApiSession after = ApiSession.login(portOf(running), "restarter", "pw-restarter-123");
        JsonNode now = after.get(SETTINGS).body();
        assertThat(now.get("theme").asText()).isEqualTo("light");
        assertThat(now.get("editor").get("font_size").asInt()).isEqualTo(16);
        assertThat(now.get("version").asInt()).isEqualTo(6);
        assertThat(after.get(SETTINGS + "history")
                        .body()
                        .get("history")
                        .get(0)
                        .get("reason")
                        .asText())
                .contains("back to light");
        JsonNode changed =
                after.put(SETTINGS + "editor", Map.of("font_size", 12)).body();
        assertThat(changed.get("editor").get("font_size").asInt()).isEqualTo(12);
        assertThat(changed.get("theme").asText()).isEqualTo("light");
        assertThat(changed.get("version").asInt()).isEqualTo(7);
    }
}
