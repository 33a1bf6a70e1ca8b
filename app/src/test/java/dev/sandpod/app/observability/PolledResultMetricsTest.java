package dev.sandpod.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.app.journey.ApiSession;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code GET /executions/{id}/result} is found by a mapping of its own before the controllers' mapping (issue 21,
 * reads): an operator still finds those requests in {@code http_server_requests} under the route's pattern, not
 * under each execution's path.
 */
@ObservedApp
class PolledResultMetricsTest {

    @LocalServerPort
    int port;

    @Test
    void aResultReadIsCountedUnderItsRoutesPattern() {
        ApiSession user = ApiSession.login(port, "user", "user123");
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        String id = user.execute("python", "3.11", "print('counted')");
        user.awaitResult(id);

        assertThat(user.get("/api/v1/executions/" + id + "/result").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Observed.text(admin, "/actuator/prometheus"))
                        .containsPattern(
                                "http_server_requests_seconds_count\\{[^}]*method=\"GET\"[^}]*status=\"200\"[^}]*"
                                        + "uri=\"/api/v1/executions/\\{executionId\\}/result\"")
                        .doesNotContain("uri=\"/api/v1/executions/" + id));
    }
}
