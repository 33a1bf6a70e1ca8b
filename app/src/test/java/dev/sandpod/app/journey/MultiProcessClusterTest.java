package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;

/**
 * Scale-out as it runs: every part its own process, as {@code ./sandpod cluster} starts them (infra/cluster) but
 * on free ports — a Kafka broker, the Mongo-wire server, redis-server, instances A and B
 * ({@code SANDPOD_ROLES=api,processors}) and an executor ({@code SANDPOD_ROLES=executor}, Kafka only). Streams,
 * notifications and limits hold across instances; a killed API instance or executor loses no run and doubles none.
 * The kills come last (ordered), since they change the topology.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiProcessClusterTest {

    private static final Set<String> TERMINAL = Set.of("completed", "failed", "timeout", "cancelled", "error");
    /** End states on a loaded two-core machine with five JVMs: generous, they bound a hang, not a speed. */
    private static final Duration END_STATE = Duration.ofMinutes(6);

    private static ClusterProcesses cluster;
    private static ClusterProcesses.Member a;
    private static ClusterProcesses.Member b;
    private static ClusterProcesses.Member executor;
    private static int portA;
    private static int portB;
    private static int portExecutor;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new ClusterProcesses(
                Path.of("target", "cluster-test", UUID.randomUUID().toString().substring(0, 8))
                        .toAbsolutePath());
        int kafkaPort = ClusterProcesses.freePort();
        int controllerPort = ClusterProcesses.freePort();
        int mongoPort = ClusterProcesses.freePort();
        int redisPort = ClusterProcesses.freePort();
        Map<String, String> stores = new HashMap<>();
        stores.put("SANDPOD_KAFKA_BOOTSTRAP_SERVERS", cluster.kafka(kafkaPort, controllerPort));
        stores.put("SANDPOD_MONGODB_URI", cluster.mongo(mongoPort));
        stores.put("SANDPOD_MONGODB_WIRE_SERVER", "true");
        stores.put("SANDPOD_REDIS_URL", cluster.redis(redisPort));
        stores.put("SANDPOD_REDIS_HEALTH", "true");
        // The per-minute execute limit (10) is what the 429 bullet checks; the cap of 5 queued-or-running runs per
        // person (held in the shared store) would refuse the 6th quick submit first.
        stores.put("SANDPOD_EXECUTION_MAX_ACTIVE_PER_USER", "20");
        for (String store : List.of("kafka", "mongo", "redis")) {
            int port = store.equals("kafka") ? kafkaPort : store.equals("mongo") ? mongoPort : redisPort;
            cluster.awaitListening(cluster.member(store), port);
        }
        portA = ClusterProcesses.freePort();
        portB = ClusterProcesses.freePort();
        portExecutor = ClusterProcesses.freePort();
        a = cluster.instance("instance-a", "api,processors", portA, stores);
        b = cluster.instance("instance-b", "api,processors", portB, stores);
        executor = cluster.instance("executor", "executor", portExecutor, stores);
        // A first: it creates the store's collections, topics and demo accounts; then B and the executor together.
        cluster.start(a);
        cluster.awaitReady(a, portA);
        cluster.start(b);
        cluster.start(executor);
        cluster.awaitReady(b, portB);
        cluster.awaitReady(executor, portExecutor);
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void runSubmittedOnBStreamsToSubscriberOnAAndItsNotificationReachesA() {
        ApiSession onB = ApiSession.register(portB, "cluster-stream-" + suffix());
        ApiSession onA = onB.at(portA);
        List<ServerSentEvent<String>> notifications = new CopyOnWriteArrayList<>();
        Disposable bell = onA.notificationEvents().subscribe(notifications::add);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> notifications.stream().anyMatch(e -> "connected".equals(e.comment())));

            String id = onB.execute(
                    "python",
                    "3.11",
                    "import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.3)\n");
            List<JsonNode> frames = onA.stream(id, null, END_STATE);

            assertThat(frames).isNotEmpty();
            JsonNode last = frames.get(frames.size() - 1);
            assertThat(last.get("event_type").asText()).isEqualTo("result_stored");
            assertThat(last.get("result").get("status").asText()).isEqualTo("completed");
            assertThat(last.get("result").get("stdout").asText()).isEqualTo("0\n1\n2\n");
            assertInOrder(frames);

            await().atMost(END_STATE)
                    .until(() -> notifications.stream()
                            .filter(e -> "notification".equals(e.event()))
                            .map(e -> ApiSession.parse(e.data()))
                            .anyMatch(n -> n.get("tags").toString().contains("execution:" + id)));
        } finally {
            bell.dispose();
        }
    }

    @Test
    @Order(2)
    void eleventhQuickSubmitSpreadOverBothInstancesIsRefused() {
        ApiSession onA = ApiSession.register(portA, "cluster-limit-" + suffix());
        ApiSession onB = onA.at(portB);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            ApiSession instance = i % 2 == 0 ? onA : onB;
            statuses.add(instance.post("/api/v1/execute", submission("print(" + i + ")"))
                    .status());
        }
        assertThat(statuses.subList(0, 10)).containsOnly(200);
        assertThat(statuses.get(10)).isEqualTo(429);
    }

    @Test
    @Order(3)
    void killingInstanceAWithTwentyRunsInFlightLosesAndDoublesNone() throws Exception {
        Map<String, ApiSession> owners = new ConcurrentHashMap<>();
        // four people, five runs each: within each one's execute limit (10 a minute) and active runs (5)
        for (int person = 0; person < 4; person++) {
            ApiSession onA = ApiSession.register(portA, "cluster-kill-a-" + person + "-" + suffix());
            for (int run = 0; run < 5; run++) {
                owners.put(
                        onA.execute("python", "3.11", "import time\ntime.sleep(1)\nprint('run " + run + "')\n"), onA);
            }
        }
        a.kill9();

        Map<String, ApiSession> onB = new HashMap<>();
        owners.forEach((id, session) -> onB.put(id, session.at(portB)));
        for (Map.Entry<String, ApiSession> run : onB.entrySet()) {
            await().atMost(END_STATE)
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> TERMINAL.contains(status(run.getValue(), run.getKey())));
        }
        for (Map.Entry<String, ApiSession> run : onB.entrySet()) {
            ApiSession.Reply result = run.getValue().get("/api/v1/executions/" + run.getKey() + "/result");
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.body().get("status").asText())
                    .as("%s", result.body())
                    .isEqualTo("completed");
            assertThat(result.body().get("stdout").asText()).startsWith("run ");
            JsonNode events = run.getValue()
                    .get("/api/v1/audit/aggregates/execution/" + run.getKey() + "/events")
                    .body()
                    .get("events");
            long stored = 0;
            for (JsonNode event : events) {
                stored += "result_stored".equals(event.get("event_type").asText()) ? 1 : 0;
            }
            assertThat(stored).as("result_stored events of %s", run.getKey()).isEqualTo(1);
        }
    }

    @Test
    @Order(4)
    void killingTheExecutorWithFiveRunsInFlightEndsEveryRun() throws Exception {
        ApiSession onB = ApiSession.register(portB, "cluster-kill-exec-" + suffix());
        List<String> ids = new ArrayList<>();
        for (int run = 0; run < 5; run++) {
            ids.add(onB.execute("python", "3.11", "import time\ntime.sleep(5)\nprint('survived')\n"));
        }
        // in flight: the executor has taken them (at least one runs) when it dies
        await().atMost(END_STATE).until(() -> ids.stream().anyMatch(id -> "running".equals(status(onB, id))));
        executor.kill9();
        cluster.start(executor);
        cluster.awaitReady(executor, portExecutor);

        for (String id : ids) {
            await().atMost(END_STATE)
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> TERMINAL.contains(status(onB, id)));
            JsonNode result = onB.get("/api/v1/executions/" + id + "/result").body();
            if ("completed".equals(result.get("status").asText())) {
                assertThat(result.get("stdout").asText()).isEqualTo("survived\n");
            } else {
                // not redelivered (its request was taken before the kill): ended by the saga's backstop, saying why
                assertEndedWithClearError(onB, id);
            }
        }
    }

    private static String status(ApiSession session, String id) {
        ApiSession.Reply reply = session.get("/api/v1/executions/" + id + "/result");
        JsonNode status = reply.body() == null ? null : reply.body().get("status");
        return reply.status() == 200 && status != null ? status.asText() : "unknown";
    }

    /**
     * Stored frames (those with an event id; the first frame is the status as it is now) never go back in time,
     * live output comes in the order printed, and the result comes once, last.
     */
    private static void assertInOrder(List<JsonNode> frames) {
        java.time.Instant previous = java.time.Instant.MIN;
        StringBuilder output = new StringBuilder();
        for (JsonNode frame : frames) {
            if ("output".equals(frame.get("event_type").asText())) {
                output.append(frame.get("data").asText());
            } else if (frame.hasNonNull("event_id")) {
                java.time.Instant at =
                        java.time.Instant.parse(frame.get("timestamp").asText());
                assertThat(at).as("frames in order: %s", frames).isAfterOrEqualTo(previous);
                previous = at;
            }
        }
        assertThat("0\n1\n2\n").as("live output in order").startsWith(output.toString());
        assertThat(frames.stream()
                        .filter(f -> "result_stored".equals(f.get("event_type").asText())))
                .hasSize(1);
    }

    /** The run's stored failure (execution_failed / _error / _timed_out) says what happened, in words. */
    private static void assertEndedWithClearError(ApiSession session, String id) {
        JsonNode events = session.get("/api/v1/audit/aggregates/execution/" + id + "/events")
                .body()
                .get("events");
        List<String> messages = new ArrayList<>();
        for (JsonNode event : events) {
            String type = event.get("event_type").asText();
            if (type.equals("execution_failed")
                    || type.equals("execution_error")
                    || type.equals("execution_timed_out")) {
                event.findValues("message").forEach(m -> messages.add(m.asText()));
                event.findValues("error_message").forEach(m -> messages.add(m.asText()));
            }
        }
        assertThat(messages)
                .as("failure messages of %s: %s", id, events)
                .anyMatch(m -> !m.isBlank() && !m.equals("null"));
    }

    private static Map<String, Object> submission(String script) {
        return Map.of("script", script, "lang", "python", "lang_version", "3.11");
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
