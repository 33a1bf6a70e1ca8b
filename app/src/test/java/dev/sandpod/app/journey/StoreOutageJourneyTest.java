package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.embedded.mongo.EmbeddedMongoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Mongo-wire server goes away for 20 s while runs are in flight (issue 20): the server is stopped
 * (its listening socket and every connection closed, its data file closed) and started again on the same
 * port and file, as an operator restarting a MongoDB would. Meanwhile every request is answered within
 * 5 s, either from what needs no store or with a 503 {@code {detail, type}}; afterwards every run ends with
 * its real outcome, each with exactly one {@code result_stored}.
 */
class StoreOutageJourneyTest {

    private static final Logger log = LoggerFactory.getLogger(StoreOutageJourneyTest.class);

    private static final Duration OUTAGE = Duration.ofSeconds(20);
    /** The bound for an answer while the store is gone. */
    private static final long ANSWER_WITHIN_MILLIS = 5_000;

    private static final Set<String> TERMINAL = Set.of("completed", "failed", "timeout", "cancelled", "error");

    private ConfigurableApplicationContext running;
    private EmbeddedMongoServer store;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** One request made during the outage: what it got and how long it took. */
    record Answer(String what, int status, JsonNode body, long millis) {}

    @Test
    void requestsAnswer503WhileTheStoreIsGoneAndEveryRunEndsOnceItReturns() throws Exception {
        Path storeDir = Files.createTempDirectory("sandpod-outage-store");
        store = EmbeddedMongoServer.start(storeDir, 0);
        int port = store.address().getPort();
        running = new SpringApplicationBuilder(SandpodApplication.class)
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-outage"),
                        "--sandpod.mongodb.uri=mongodb://127.0.0.1:" + port + "/sandpod",
                        // A Mongo-wire server, not a MongoDB: JobRunr's storage for it (as in the embedded default).
                        "--sandpod.mongodb.wire-server=true",
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.rate-limit.enabled=false",
                        // The backstop must not end a run before its real outcome can be recorded.
                        "--sandpod.execution.timeout-seconds=30",
                        "--sandpod.execution.backstop-grace-seconds=90",
                        // Shorter than the outage: a report consumer that blocked its poll loop while the store is
                        // away would be thrown out of its group (and rejoin as another member).
                        "--sandpod.run-reports.max-poll-interval-ms=12000");
        int appPort = Integer.parseInt(running.getEnvironment().getProperty("local.server.port"));
        ApiSession user = ApiSession.login(appPort, "user", "user123");
        String finishedBefore = user.execute("print('before the outage')");
        assertThat(user.awaitResult(finishedBefore).get("status").asText()).isEqualTo("completed");

        // Runs that end during the outage (their outcome arrives while the store is gone) and after it.
        List<String> inFlight = new ArrayList<>();
        for (int seconds : new int[] {1, 3, 6, 12, 25}) {
            inFlight.add(user.execute("import time\nprint('start', flush=True)\ntime.sleep(" + seconds
                    + ")\nprint('done " + seconds + "')\n"));
        }
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> inFlight.stream().noneMatch(id -> status(user, id).equals("queued")));

        Set<String> reportConsumers = reportConsumerMembers();
        assertThat(reportConsumers).isNotEmpty();
        store.close();
        long outageStart = System.nanoTime();
        List<Answer> answers = new ArrayList<>();
        List<Supplier<Answer>> requests = List.of(
                () -> timed(
                        "POST /api/v1/execute",
                        () -> user.post(
                                "/api/v1/execute",
                                Map.of("script", "print(1)", "lang", "python", "lang_version", "3.11"))),
                () -> timed("GET /api/v1/user/executions", () -> user.get("/api/v1/user/executions")),
                () -> timed(
                        "GET /api/v1/executions/{id}/events",
                        () -> user.get("/api/v1/executions/" + finishedBefore + "/events")),
                () -> timed("GET /api/v1/auth/me", () -> user.get("/api/v1/auth/me")));
        for (int i = 0; System.nanoTime() - outageStart < OUTAGE.toNanos(); i++) {
            answers.add(requests.get(i % requests.size()).get());
        }
        store = restartOnTheSamePort(storeDir, port);
        long returned = System.nanoTime();
        long outageMillis = (System.nanoTime() - outageStart) / 1_000_000;

        // The figures of the closing note, in the log (the data directory's log file in this shared test JVM).
        answers.forEach(
                a -> log.info("during the outage: {} -> {} in {} ms {}", a.what(), a.status(), a.millis(), a.body()));
        log.info(
                "store outage of {} ms: {} requests, slowest answer {} ms",
                outageMillis,
                answers.size(),
                answers.stream().mapToLong(Answer::millis).max().orElse(0));
        assertThat(answers).isNotEmpty().allSatisfy(a -> {
            assertThat(a.millis()).as(a.what() + " answered within 5 s").isLessThanOrEqualTo(ANSWER_WITHIN_MILLIS);
            assertThat(a.status()).as(a.what() + " " + a.body()).isIn(200, 503);
            if (a.status() == 503) {
                assertThat(a.body().path("type").asText()).isEqualTo("StoreUnavailable");
                assertThat(a.body().path("detail").asText()).contains("data store is unreachable");
            }
        });
        // A new run and the run list need the store: they cannot have been served without it.
        assertThat(answers)
                .filteredOn(a ->
                        a.what().startsWith("POST /api/v1/execute") || a.what().contains("user/executions"))
                .isNotEmpty()
                .allSatisfy(a -> assertThat(a.status()).as(a.what()).isEqualTo(503));

        // Once the store is back: requests are served again and every run ends with its real outcome.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> user.get("/api/v1/user/executions").status() == 200);
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> inFlight.stream().allMatch(id -> TERMINAL.contains(status(user, id))));
        for (String id : inFlight) {
            JsonNode result = user.get("/api/v1/executions/" + id + "/result").body();
            assertThat(result.get("status").asText()).as(id).isEqualTo("completed");
            assertThat(result.get("stdout").asText()).as(id).startsWith("start\ndone ");
            // The audit trail, read from the event store.
            List<String> types = eventTypes(user, id);
            assertThat(types)
                    .as(id + " " + types)
                    .filteredOn("result_stored"::equals)
                    .hasSize(1);
        }
        log.info(
                "all {} runs in flight ended {} ms after the store returned",
                inFlight.size(),
                (System.nanoTime() - returned) / 1_000_000);
        // The report consumer held the reports without leaving its group: the same member throughout.
        assertThat(reportConsumerMembers()).isEqualTo(reportConsumers);
        String after = user.execute("print('after the outage')");
        assertThat(user.awaitResult(after).get("stdout").asText()).isEqualTo("after the outage\n");
    }

    private Set<String> reportConsumerMembers() throws Exception {
        String brokers = running.getEnvironment().getProperty("spring.kafka.bootstrap-servers");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("sandpod-report-handler"))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get("sandpod-report-handler");
            return group.members().stream().map(MemberDescription::consumerId).collect(Collectors.toSet());
        }
    }

    private static String status(ApiSession user, String id) {
        ApiSession.Reply reply = user.get("/api/v1/executions/" + id + "/result");
        return reply.status() == 200 ? reply.body().path("status").asText() : "unknown";
    }

    private static List<String> eventTypes(ApiSession user, String id) {
        List<String> types = new ArrayList<>();
        for (JsonNode event : user.get("/api/v1/executions/" + id + "/events").body()) {
            types.add(event.get("event_type").asText());
        }
        return types;
    }

    private static Answer timed(String what, Supplier<ApiSession.Reply> request) {
        long start = System.nanoTime();
        ApiSession.Reply reply = request.get();
        return new Answer(what, reply.status(), reply.body(), (System.nanoTime() - start) / 1_000_000);
    }

    /** The server comes back where the application looks for it; the port may linger a moment after close. */
    private static EmbeddedMongoServer restartOnTheSamePort(Path dir, int port) {
        AtomicReference<EmbeddedMongoServer> started = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    started.set(EmbeddedMongoServer.start(dir, port));
                    return true;
                });
        return started.get();
    }
}
