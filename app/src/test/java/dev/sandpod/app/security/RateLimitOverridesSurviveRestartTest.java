package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.app.journey.AppOnDataDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Overrides are settings (events), not cache entries: they hold across a restart, unlike the reference system's. */
class RateLimitOverridesSurviveRestartTest {

    private ConfigurableApplicationContext running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return AppOnDataDir.start(dataDir, "--sandpod.security.trusted-proxies=127.0.0.1");
    }

    private static int portOf(ConfigurableApplicationContext context) {
        return AppOnDataDir.port(context);
    }

    @Test
    void anAdminOverrideIsStillThereAfterARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-overrides");
        running = start(dataDir);
        int port = portOf(running);
        String username = Accounts.name("durable");
        Client user = Client.register(port, Accounts.address(), username, Accounts.PASSWORD);
        String userId = user.userId();
        Client admin = Accounts.seededAdmin(port);
        assertThat(admin.put(
                                "/api/v1/admin/rate-limits/" + userId,
                                Client.body(
                                        "notes",
                                        "grader",
                                        "rules",
                                        List.of(Client.body(
                                                "endpoint_pattern",
                                                "^/api/v1/execute$",
                                                "group",
                                                "execution",
                                                "requests",
                                                1000,
                                                "window_seconds",
                                                60))))
                        .status())
                .isEqualTo(200);
        assertThat(user.post("/api/v1/execute", Map.of("script", "print(1)")).header("X-RateLimit-Limit"))
                .isEqualTo("1000");

        running.close();
        running = start(dataDir);
        port = portOf(running);

        Client again = Client.login(port, Accounts.address(), username, Accounts.PASSWORD);
        assertThat(again.post("/api/v1/execute", Map.of("script", "print(2)")).header("X-RateLimit-Limit"))
                .isEqualTo("1000");
        Client.Reply config = Accounts.seededAdmin(port).get("/api/v1/admin/rate-limits/" + userId);
        assertThat(config.body().get("rate_limit_config").get("notes").asText()).isEqualTo("grader");
        assertThat(config.body()
                        .get("rate_limit_config")
                        .get("rules")
                        .get(0)
                        .get("requests")
                        .asInt())
                .isEqualTo(1000);
    }
}
