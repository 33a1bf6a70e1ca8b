package dev.sandpod.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.journey.ApiSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What an operator reads at {@code /actuator/prometheus} after people ran code: executions by language, version
 * and status, the run-duration and queue-wait histograms, the queue, processor lag, open streams and failed
 * sign-ins — and the counts are the runs that were made, no more (no double counting), no fewer.
 */
@ObservedApp
class ExecutionMetricsTest {

    @LocalServerPort
    int port;

    @Test
    void twentyRunsInThreeLanguagesShowUpByLanguageVersionAndStatus() {
        var user = ApiSession.login(port, "user", "user123");
        var admin = ApiSession.login(port, "admin", "admin123");
        Scrape before = Scrape.parse(Observed.text(admin, "/actuator/prometheus"));

        // 20 runs: 8 python (6 printing, 2 exiting with 3: still "completed"), 6 bash, 6 node; in batches of
        // five, the most one user may have queued or running at once.
        List<String[]> planned = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            planned.add(new String[] {"python", "3.11", "print(" + i + ")"});
        }
        for (int i = 0; i < 2; i++) {
            planned.add(new String[] {"python", "3.11", "raise SystemExit(3)"});
        }
        for (int i = 0; i < 6; i++) {
            planned.add(new String[] {"bash", "5.2", "echo " + i});
            planned.add(new String[] {"node", "20", "console.log(" + i + ")"});
        }
        Map<String, Integer> completedByLang = new HashMap<>();
        for (int batch = 0; batch < planned.size(); batch += 5) {
            Map<String, String> langOf = new HashMap<>();
            for (String[] run : planned.subList(batch, Math.min(batch + 5, planned.size()))) {
                langOf.put(user.execute(run[0], run[1], run[2]), run[0]);
            }
            langOf.forEach((id, lang) -> {
                JsonNode result = user.awaitResult(id);
                assertThat(result.get("status").asText()).isEqualTo("completed");
                completedByLang.merge(lang, 1, Integer::sum);
            });
        }
        assertThat(completedByLang)
                .containsEntry("python", 8)
                .containsEntry("bash", 6)
                .containsEntry("node", 6);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Scrape after = Scrape.parse(Observed.text(admin, "/actuator/prometheus"));
            assertThat(delta(after, before, "sandpod_executions_started_total", "lang", "python", "version", "3.11"))
                    .isEqualTo(8);
            assertThat(delta(after, before, "sandpod_executions_started_total", "lang", "bash", "version", "5.2"))
                    .isEqualTo(6);
            assertThat(delta(after, before, "sandpod_executions_started_total", "lang", "node", "version", "20"))
                    .isEqualTo(6);
            assertThat(delta(
                            after,
                            before,
                            "sandpod_executions_finished_total",
                            "lang",
                            "python",
                            "version",
                            "3.11",
                            "status",
                            "completed"))
                    .isEqualTo(8);
            assertThat(delta(after, before, "sandpod_executions_finished_total", "lang", "bash", "status", "completed"))
                    .isEqualTo(6);
            assertThat(delta(after, before, "sandpod_executions_finished_total", "lang", "node", "status", "completed"))
                    .isEqualTo(6);
            assertThat(delta(after, before, "sandpod_executions_finished_total"))
                    .isEqualTo(20);
            // The duration histogram: one observation per run, in buckets, with a positive total time.
            assertThat(delta(after, before, "sandpod_execution_duration_seconds_count", "lang", "python"))
                    .isEqualTo(8);
            assertThat(delta(after, before, "sandpod_execution_duration_seconds_count"))
                    .isEqualTo(20);
            assertThat(after.sum("sandpod_execution_duration_seconds_sum")).isPositive();
            assertThat(after.sum("sandpod_execution_duration_seconds_bucket", "lang", "bash", "le", "+Inf"))
                    .isEqualTo(6);
            assertThat(delta(after, before, "sandpod_execution_queue_wait_seconds_count"))
                    .isEqualTo(20);
            // Everything has ended: nothing waits, nothing holds a slot, and no processor is behind.
            assertThat(after.sum("sandpod_queue_depth")).isZero();
            assertThat(after.sum("sandpod_queue_active")).isZero();
            assertThat(after.named("sandpod_event_processor_lag_seconds"))
                    .extracting(s -> s.labels().get("processor"))
                    .contains("executions", "run-dispatch", "metrics");
            assertThat(after.named("sandpod_event_processor_lag_seconds"))
                    .allSatisfy(s -> assertThat(s.value()).isZero());
        });
    }

    @Test
    void aFailedSignInAndAnOpenStreamAreCounted() {
        var admin = ApiSession.login(port, "admin", "admin123");
        Scrape before = Scrape.parse(Observed.text(admin, "/actuator/prometheus"));
        assertThat(Observed.failedLogin(port, "user", "not-the-password")).isEqualTo(401);

        var user = ApiSession.login(port, "user", "user123");
        String id = user.execute("python", "3.11", "import time; time.sleep(3)");
        var stream = user.frames(id).subscribe();
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Scrape now = Scrape.parse(Observed.text(admin, "/actuator/prometheus"));
                assertThat(now.sum("sandpod_sse_connections", "stream", "execution"))
                        .isEqualTo(1);
                assertThat(delta(now, before, "sandpod_auth_login_failures_total"))
                        .isEqualTo(1);
            });
        } finally {
            stream.dispose();
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(Scrape.parse(Observed.text(admin, "/actuator/prometheus"))
                                .sum("sandpod_sse_connections", "stream", "execution"))
                        .isZero());
        // the run ends before the test does, so that the other tests of this context count only their own runs
        assertThat(user.awaitResult(id).get("status").asText()).isEqualTo("completed");
    }

    private static double delta(Scrape after, Scrape before, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
