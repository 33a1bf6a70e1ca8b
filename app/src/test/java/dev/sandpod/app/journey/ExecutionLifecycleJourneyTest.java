package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Executions through HTTP on the real stack: languages, cancel, queue and priorities, idempotency, caps, settings. */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // A fresh data dir per context; read by the embedded infrastructure before the context starts.
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.execution.max-active-per-user=5",
            "sandpod.rate-limit.enabled=false",
            "sandpod.sse.heartbeat=1s"
        })
class ExecutionLifecycleJourneyTest {

    private static final List<String> LANGUAGES = List.of("python", "node", "ruby", "bash", "go");
    private static final long MAX_OUTPUT_BYTES = 1024 * 1024;
    /** A flood's output must not stay in the heap; a few MB of other live objects come and go. */
    private static final long HEAP_SLACK_BYTES = 48L * 1024 * 1024;

    /** The status a lifecycle frame reports: the execution's status once that event happened. */
    private static final Map<String, String> LIFECYCLE_STATUS = Map.of(
            "execution_requested",
            "queued",
            "execution_queued",
            "queued",
            "execution_scheduled",
            "scheduled",
            "execution_started",
            "scheduled",
            "execution_running",
            "running",
            "execution_completed",
            "completed",
            "result_stored",
            "completed");

    @LocalServerPort
    int port;

    /** Each test runs as a user of its own, so one test's active executions never count against another's. */
    private final String username = "u" + UUID.randomUUID().toString().substring(0, 8);

    private ApiSession userSession;

    private ApiSession user() {
        if (userSession == null) {
            registerAndLogin(username);
            userSession = ApiSession.login(port, username, username + "-password");
        }
        return userSession;
    }

    private ApiSession admin() {
        return ApiSession.login(port, "admin", "admin123");
    }

    private ApiSession stranger() {
        ApiSession.anonymous(
                port,
                "POST",
                "/api/v1/auth/register",
                Map.of("username", "stranger", "email", "stranger@example.com", "password", "stranger-password"));
        return ApiSession.login(port, "stranger", "stranger-password");
    }

    @AfterEach
    void resetSettings() {
        admin().post("/api/v1/admin/settings/reset", null);
    }

    /**
     * What each language's example prints, given the runtime's version: the language's name once, then that
     * version (patch level where the language reports one), e.g. "Hello from a Python 3.11 sandbox!".
     */
    private static String exampleGreeting(String lang, String version) {
        String v = Pattern.quote(version);
        return switch (lang) {
            case "python" -> "Hello from a Python " + v + " sandbox!\n";
            case "node" -> "Hello from a Node\\.js " + v + " sandbox!\n";
            case "ruby" -> "Hello from a Ruby " + v + "\\.\\d+ sandbox!\n";
            case "bash" -> "Hello from a Bash " + v + " sandbox!\n";
            case "go" -> "Hello from a Go " + v + "(\\.\\d+)? sandbox!\n";
            default -> throw new IllegalArgumentException(lang);
        };
    }

    @Test
    void everyLanguagesExampleRunsToHelloFrom() {
        ApiSession session = user();
        JsonNode runtimes = session.get("/api/v1/k8s-limits").body().get("supported_runtimes");
        JsonNode examples = session.get("/api/v1/example-scripts").body().get("scripts");
        for (String lang : LANGUAGES) {
            assertThat(runtimes.has(lang))
                    .as("%s is available on this runner", lang)
                    .isTrue();
            String version = runtimes.get(lang).get("versions").get(0).asText();

            JsonNode result = session.awaitResult(
                    session.execute(lang, version, examples.get(lang).asText()));

            assertThat(result.get("status").asText()).as(lang).isEqualTo("completed");
            assertThat(result.get("exit_code").asInt())
                    .as(lang + " stderr: " + result.get("stderr"))
                    .isZero();
            assertThat(result.get("stdout").asText()).as(lang).matches(exampleGreeting(lang, version));
        }
    }

    @Test
    void cancellingARunningScriptStopsItsProcessesAndFreesItsSlot() throws Exception {
        ApiSession session = user();
        String marker = "30." + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000);
        String script =
                "import subprocess, time\nprint('a', flush=True)\nsubprocess.run(['sleep', '" + marker + "'])\n";
        String id = session.execute(script);
        session.frames(id)
                .filter(f -> "output".equals(f.get("event_type").asText()))
                .filter(f -> f.get("data").asText().contains("a"))
                .blockFirst(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> hostProcessesWith(marker) > 0);
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);

        Instant cancelled = Instant.now();
        ApiSession.Reply reply = session.post("/api/v1/executions/" + id + "/cancel", Map.of("reason", "enough"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("status").asText()).isEqualTo("cancellation_requested");
        await().atMost(Duration.ofSeconds(2))
                .until(() -> "cancelled"
                        .equals(session.get("/api/v1/executions/" + id + "/result")
                                .body()
                                .get("status")
                                .asText()));
        await().atMost(Duration.ofSeconds(2)).until(() -> hostProcessesWith(marker) == 0);
        assertThat(Duration.between(cancelled, Instant.now())).isLessThan(Duration.ofSeconds(4));
        JsonNode next = session.awaitResult(session.execute("print('next')"));
        assertThat(next.get("stdout").asText()).isEqualTo("next\n");
    }

    /** What a run printed before its cancel stays in its result, in the final frame and in the stored result. */
    @Test
    void aCancelledRunKeepsWhatItPrintedBeforeTheCancel() {
        ApiSession session = user();
        String id = session.execute("import time\nprint(0, flush=True)\nprint(1, flush=True)\ntime.sleep(60)\n");
        StringBuilder live = new StringBuilder();
        session.frames(id)
                .filter(f -> "output".equals(f.get("event_type").asText()))
                .map(f -> live.append(f.get("data").asText()).toString())
                .filter(printed -> printed.contains("1\n"))
                .blockFirst(Duration.ofSeconds(30));

        ApiSession.Reply reply = session.post("/api/v1/executions/" + id + "/cancel", Map.of("reason", "seen enough"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("status").asText()).isEqualTo("cancellation_requested");
        JsonNode result = session.awaitResult(id);
        assertThat(result.get("status").asText()).isEqualTo("cancelled");
        assertThat(result.get("stdout").asText()).contains("0\n1\n");
        JsonNode stored = session.get("/api/v1/executions/" + id + "/result").body();
        assertThat(stored.get("status").asText()).isEqualTo("cancelled");
        assertThat(stored.get("stdout").asText()).contains("0\n1\n");
        String cancelEvent = reply.body().get("event_id").asText(null);
        assertThat(cancelEvent).as("event_id of the cancel answer").isNotNull();
        assertThat(session.get("/api/v1/executions/" + id + "/events?event_types=execution_cancelled")
                        .body()
                        .findValuesAsText("event_id"))
                .containsExactly(cancelEvent);
    }

    @Test
    void withOneSlotRunsGoOneAfterAnotherAndARaisedPriorityRunsSecond() {
        ApiSession admin = admin();
        assertThat(admin.put("/api/v1/admin/settings/", Map.of("max_concurrent_executions", 1))
                        .status())
                .isEqualTo(200);
        ApiSession session = user();
        // The first run holds the only slot until it is cancelled, so that nothing here depends on how long
        // the others take to queue on a loaded machine.
        String first = session.execute("import time\ntime.sleep(120)\nprint(1)");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "running"
                        .equals(session.get("/api/v1/executions/" + first + "/result")
                                .body()
                                .path("status")
                                .asText()));
        String second = session.execute("import time\ntime.sleep(1)\nprint(2)");
        String third = session.execute("import time\ntime.sleep(1)\nprint(3)");
        String raised = session.execute("import time\ntime.sleep(1)\nprint(4)");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode queue = admin.get("/api/v1/admin/executions/queue").body();
            assertThat(queue.get("active_count").asInt()).isEqualTo(1);
            assertThat(queue.get("queue_depth").asInt()).isEqualTo(3);
            assertThat(queue.get("max_concurrent").asInt()).isEqualTo(1);
        });
        ApiSession.Reply priority =
                admin.put("/api/v1/admin/executions/" + raised + "/priority", Map.of("priority", "high"));
        assertThat(priority.status()).isEqualTo(200);
        assertThat(priority.body().get("priority").asText()).isEqualTo("high");
        assertThat(session.post("/api/v1/executions/" + first + "/cancel", Map.of("reason", "make room"))
                        .status())
                .isEqualTo(200);

        List<String> all = List.of(first, second, third, raised);
        all.forEach(session::awaitResult);
        List<String> byStart = new ArrayList<>(all);
        byStart.sort((a, b) -> startedAt(session, a).compareTo(startedAt(session, b)));
        assertThat(byStart).containsExactly(first, raised, second, third);
        for (int i = 1; i < byStart.size(); i++) {
            assertThat(startedAt(session, byStart.get(i))).isAfterOrEqualTo(finishedAt(session, byStart.get(i - 1)));
        }
    }

    /**
     * The admin queue view against the runs' own states at every step of a burst with one slot: one runs, the
     * rest wait, in priority order and first come first served within a priority, also right after two
     * waiting runs changed priority. The burst comes from two users, one submission after the other.
     */
    @Test
    void theQueueViewMatchesTheRunsThroughABurstAndPriorityChanges() {
        ApiSession admin = admin();
        oneSlotAndAnEmptyQueue(admin);
        ApiSession one = user();
        ApiSession other = stranger();
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            burst.add((i % 2 == 0 ? one : other).execute("import time\ntime.sleep(3)\nprint(" + i + ")"));
        }

        awaitQueue(admin, burst, burst.get(0), burst.subList(1, 6));
        assertThat(admin.put("/api/v1/admin/executions/" + burst.get(4) + "/priority", Map.of("priority", "high"))
                        .status())
                .isEqualTo(200);
        assertThat(admin.put("/api/v1/admin/executions/" + burst.get(1) + "/priority", Map.of("priority", "low"))
                        .status())
                .isEqualTo(200);
        awaitQueue(admin, burst, burst.get(0), burst.subList(1, 6));

        List<String> order =
                List.of(burst.get(0), burst.get(4), burst.get(2), burst.get(3), burst.get(5), burst.get(1));
        for (int next = 1; next < order.size(); next++) {
            awaitQueue(admin, burst, order.get(next), order.subList(next + 1, order.size()));
        }
        awaitQueue(admin, burst, null, List.of());
        List<String> byStart = new ArrayList<>(burst);
        byStart.sort((a, b) -> startedAt(admin, a).compareTo(startedAt(admin, b)));
        assertThat(byStart).containsExactlyElementsOf(order);
    }

    /**
     * Eight runs of two users submitted at once while a ninth holds the only slot: they run one at a time in
     * the order they were queued (the order of their {@code execution_queued} events), and at each step seen
     * the queue view shows what the runs' own states say.
     */
    @Test
    void aBurstSubmittedAtOnceRunsInTheOrderItWasQueued() throws Exception {
        ApiSession admin = admin();
        oneSlotAndAnEmptyQueue(admin);
        ApiSession one = user();
        ApiSession other = stranger();
        String blocker = one.execute("import time\ntime.sleep(3)");
        awaitQueue(admin, List.of(blocker), blocker, List.of());

        List<String> burst = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> submissions = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ApiSession session = i % 2 == 0 ? one : other;
                String script = "import time\ntime.sleep(1.5)\nprint(" + i + ")";
                submissions.add(() -> session.execute(script));
            }
            for (Future<String> id : pool.invokeAll(submissions)) {
                burst.add(id.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> all = new ArrayList<>(burst);
        all.add(0, blocker);

        int waiting = burst.size() + 1;
        while (waiting > 0) {
            waiting = awaitNextStep(admin, all, waiting);
        }
        awaitQueueCounts(admin, all, 0, 0);
        Map<String, Instant> queuedAt = new HashMap<>();
        burst.forEach(run -> queuedAt.put(run, eventTime(admin, run, "execution_queued")));
        List<String> byStart = new ArrayList<>(burst);
        byStart.sort((a, b) -> startedAt(admin, a).compareTo(startedAt(admin, b)));
        for (int i = 1; i < byStart.size(); i++) {
            assertThat(queuedAt.get(byStart.get(i)))
                    .as("run %d started after run %d, queued at %s", i, i - 1, queuedAt)
                    .isAfterOrEqualTo(queuedAt.get(byStart.get(i - 1)));
        }
    }

    /** The queue view counts every run: the queue tests start from nothing queued, with one slot. */
    private static void oneSlotAndAnEmptyQueue(ApiSession admin) {
        assertThat(admin.put("/api/v1/admin/settings/", Map.of("max_concurrent_executions", 1))
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode queue = admin.get("/api/v1/admin/executions/queue").body();
            assertThat(queue.get("max_concurrent").asInt()).isEqualTo(1);
            assertThat(queue.get("active_count").asInt()).isZero();
            assertThat(queue.get("queue_depth").asInt()).isZero();
        });
    }

    /**
     * Waits until the runs are in the given step (that one holds the slot, those wait, the others have ended)
     * and the queue view shows exactly that: the depth, the active count and the waiting per priority it
     * derives from the runs' own states.
     */
    private static void awaitQueue(ApiSession admin, List<String> runs, String active, List<String> waiting) {
        awaitQueueView(admin, runs, (holding, queued) -> {
            assertThat(holding).as("runs holding the slot").isEqualTo(active == null ? List.of() : List.of(active));
            assertThat(queued).as("runs waiting").containsExactlyInAnyOrderElementsOf(waiting);
        });
    }

    /**
     * Waits for a step with one run holding the slot and fewer than {@code waitingBefore} waiting (or all of
     * them done), in which the view shows what the runs' states say; returns how many wait in it. A step may
     * pass unseen on a slow machine: the next one is taken then.
     */
    private static int awaitNextStep(ApiSession admin, List<String> runs, int waitingBefore) {
        AtomicInteger waiting = new AtomicInteger();
        awaitQueueView(admin, runs, (holding, queued) -> {
            if (!holding.isEmpty() || !queued.isEmpty()) {
                assertThat(holding).as("runs holding the slot").hasSize(1);
            }
            assertThat(queued).as("runs waiting").hasSizeLessThan(waitingBefore);
            waiting.set(queued.size());
        });
        return waiting.get();
    }

    /** {@link #awaitQueue} for a step known by its counts only. */
    private static void awaitQueueCounts(ApiSession admin, List<String> runs, int active, int waiting) {
        awaitQueueView(admin, runs, (holding, queued) -> {
            assertThat(holding).as("runs holding the slot").hasSize(active);
            assertThat(queued).as("runs waiting").hasSize(waiting);
        });
    }

    private static void awaitQueueView(
            ApiSession admin, List<String> runs, BiConsumer<List<String>, List<String>> step) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, JsonNode> states = new LinkedHashMap<>();
            for (String run : runs) {
                states.put(
                        run, admin.get("/api/v1/executions/" + run + "/result").body());
            }
            JsonNode view = admin.get("/api/v1/admin/executions/queue").body();
            List<String> holding = runs.stream()
                    .filter(run -> Set.of("scheduled", "running")
                            .contains(states.get(run).get("status").asText()))
                    .toList();
            List<String> queued = runs.stream()
                    .filter(run -> "queued".equals(states.get(run).get("status").asText()))
                    .toList();
            step.accept(holding, queued);
            Map<String, Long> byPriority = new LinkedHashMap<>();
            for (String p : List.of("critical", "high", "normal", "low", "background")) {
                byPriority.put(
                        p,
                        queued.stream()
                                .filter(run ->
                                        p.equals(states.get(run).get("priority").asText()))
                                .count());
            }
            assertThat(view.get("active_count").asLong()).as("active_count").isEqualTo(holding.size());
            assertThat(view.get("queue_depth").asLong()).as("queue_depth").isEqualTo(queued.size());
            assertThat(ApiSession.JSON.convertValue(view.get("by_priority"), new TypeReference<Map<String, Long>>() {}))
                    .as("by_priority")
                    .isEqualTo(byPriority);
        });
    }

    @Test
    void twoHundredShortRunsLeaveNoActiveSlot() {
        ApiSession session = user();
        ApiSession admin = admin();
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add(session.execute("print(" + i + ")"));
            if (batch.size() == 5) {
                batch.forEach(session::awaitResult);
                batch.clear();
            }
        }
        batch.forEach(session::awaitResult);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode queue = admin.get("/api/v1/admin/executions/queue").body();
            assertThat(queue.get("active_count").asInt()).isZero();
            assertThat(queue.get("queue_depth").asInt()).isZero();
        });
    }

    @Test
    void tenConcurrentSubmissionsWithOneIdempotencyKeyMakeOneExecution() throws Exception {
        ApiSession session = user();
        String key = "key-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Callable<ApiSession.Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> session.exchange(
                        "POST",
                        "/api/v1/execute",
                        Map.of("script", "print('once')"),
                        true,
                        Map.of("Idempotency-Key", key)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<ApiSession.Reply> reply : pool.invokeAll(calls)) {
                ApiSession.Reply r = reply.get();
                assertThat(r.status()).isIn(200, 409);
                if (r.status() == 200) {
                    ids.add(r.body().get("execution_id").asText());
                }
            }
            assertThat(ids).hasSize(1);
            ApiSession.Reply again = session.exchange(
                    "POST", "/api/v1/execute", Map.of("script", "print('once')"), true, Map.of("Idempotency-Key", key));
            assertThat(again.body().get("execution_id").asText())
                    .isEqualTo(ids.iterator().next());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLongRunsStreamCarriesHeartbeats() {
        ApiSession session = user();
        String id = session.execute("import time\ntime.sleep(3)");

        var events = session.rawStream(id, Duration.ofSeconds(60));

        assertThat(events).anySatisfy(event -> assertThat(event.comment()).isEqualTo("heartbeat"));
        assertThat(events.get(events.size() - 1).data()).contains("result_stored");
    }

    @Test
    void aFloodOfOutputIsCappedAndFlagged() {
        ApiSession session = user();
        long heapBefore = settledHeapBytes();

        JsonNode result = session.awaitResult(session.execute("print('x' * 5_000_000)"));
        await().atMost(Duration.ofSeconds(20)).until(() -> settledHeapBytes() < heapBefore + HEAP_SLACK_BYTES);

        assertThat(result.get("stdout_truncated").asBoolean()).isTrue();
        assertThat((long) result.get("stdout").asText().length()).isLessThanOrEqualTo(MAX_OUTPUT_BYTES);
        assertThat(result.get("stdout").asText().length()).isGreaterThan(1000);
    }

    @Test
    void theEventsOfACompletedRunAreInLifecycleOrder() {
        ApiSession session = user();
        String id = session.execute("print('events')");
        session.awaitResult(id);

        ApiSession.Reply events = session.get("/api/v1/executions/" + id + "/events");

        assertThat(events.status()).isEqualTo(200);
        assertThat(events.body().findValuesAsText("event_type"))
                .containsSubsequence(
                        "execution_requested",
                        "execution_queued",
                        "execution_scheduled",
                        "execution_started",
                        "execution_completed",
                        "result_stored");
        ApiSession.Reply filtered = session.get("/api/v1/executions/" + id + "/events?event_types=result_stored");
        assertThat(filtered.body().findValuesAsText("event_type")).containsExactly("result_stored");
        assertThat(events.body().get(0).get("metadata").get("user_id").asText()).isNotBlank();
    }

    @Test
    void retryCancelAndEventsFollowTheRules() {
        ApiSession session = user();
        String done = session.execute("print('again')");
        session.awaitResult(done);

        ApiSession.Reply retry = session.post("/api/v1/executions/" + done + "/retry", null);
        assertThat(retry.status()).isEqualTo(200);
        String retried = retry.body().get("execution_id").asText();
        assertThat(retried).isNotEqualTo(done);
        assertThat(session.awaitResult(retried).get("stdout").asText()).isEqualTo("again\n");

        assertThat(session.post("/api/v1/executions/" + done + "/cancel", null).status())
                .isEqualTo(400);

        String running = session.execute("import time\ntime.sleep(5)");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "running"
                        .equals(session.get("/api/v1/executions/" + running + "/result")
                                .body()
                                .get("status")
                                .asText()));
        ApiSession.Reply retryRunning = session.post("/api/v1/executions/" + running + "/retry", null);
        assertThat(retryRunning.status()).isEqualTo(400);

        ApiSession other = stranger();
        assertThat(other.post("/api/v1/executions/" + done + "/cancel", null).status())
                .isEqualTo(403);
        assertThat(other.post("/api/v1/executions/" + done + "/retry", null).status())
                .isEqualTo(403);
        assertThat(other.get("/api/v1/executions/" + done + "/events").status()).isEqualTo(403);
        session.post("/api/v1/executions/" + running + "/cancel", null);
    }

    @Test
    void anAdminsTimeoutCapAppliesToTheNextRun() {
        ApiSession admin = admin();
        ApiSession.Reply changed = admin.put("/api/v1/admin/settings/", Map.of("max_timeout_seconds", 3));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().get("max_timeout_seconds").asInt()).isEqualTo(3);
        ApiSession session = user();

        Instant started = Instant.now();
        JsonNode result = session.awaitResult(session.execute("import time\ntime.sleep(10)"));
        Duration took = Duration.between(started, Instant.now());

        assertThat(result.get("status").asText()).isEqualTo("timeout");
        assertThat(took).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
    }

    @Test
    void anAdminDeleteRemovesTheExecutionFromResultsAndListsButNotFromHistory() {
        ApiSession session = user();
        String id = session.execute("print('gone')");
        session.awaitResult(id);
        ApiSession admin = admin();

        assertThat(session.delete("/api/v1/executions/" + id).status()).isEqualTo(403);
        ApiSession.Reply deleted = admin.delete("/api/v1/executions/" + id);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("message").asText()).isEqualTo("Execution deleted successfully");
        await().atMost(Duration.ofSeconds(15))
                .until(() -> session.get("/api/v1/executions/" + id + "/result").status() == 404);
        assertThat(session.get("/api/v1/user/executions?limit=200")
                        .body()
                        .get("executions")
                        .findValuesAsText("execution_id"))
                .doesNotContain(id);
    }

    @Test
    void outputStreamsLiveWhileTheProgramRuns() {
        ApiSession session = user();
        String id = session.execute(
                "import time\nprint('first', flush=True)\ntime.sleep(1.5)\nprint('second', flush=True)\n");

        List<JsonNode> frames = session.stream(id, null, Duration.ofSeconds(60));

        List<String> types =
                frames.stream().map(f -> f.get("event_type").asText()).toList();
        int firstOutput = types.indexOf("output");
        assertThat(firstOutput).isPositive();
        assertThat(frames.get(firstOutput).get("stream").asText()).isEqualTo("stdout");
        assertThat(frames.get(firstOutput).get("data").asText()).contains("first");
        assertThat(types.indexOf("execution_completed")).isGreaterThan(firstOutput);
        assertThat(frames.get(frames.size() - 1).get("result").get("stdout").asText())
                .isEqualTo("first\nsecond\n");
        assertThat(types).contains("execution_running", "execution_completed", "result_stored");
        for (JsonNode frame : frames) {
            String type = frame.get("event_type").asText();
            if ("status".equals(type)) {
                assertThat(frame.get("status").asText(null)).isIn("queued", "scheduled", "running");
            } else if (!"output".equals(type)) {
                assertThat(frame.get("status").asText(null))
                        .as("status of the %s frame", type)
                        .isEqualTo(LIFECYCLE_STATUS.get(type));
            }
        }
    }

    @Test
    void aClientReconnectingWithLastEventIdGetsOnlyTheFramesAfterIt() {
        ApiSession session = user();
        String id = session.execute("print('resume')");
        session.awaitResult(id);
        JsonNode events = session.get("/api/v1/executions/" + id + "/events").body();
        String scheduled = null;
        for (JsonNode event : events) {
            if ("execution_scheduled".equals(event.get("event_type").asText())) {
                scheduled = event.get("event_id").asText();
            }
        }
        assertThat(scheduled).isNotNull();

        List<JsonNode> frames = session.stream(id, scheduled, Duration.ofSeconds(10));

        List<String> types =
                frames.stream().map(f -> f.get("event_type").asText()).toList();
        assertThat(types.get(0)).isEqualTo("status");
        assertThat(types).doesNotContain("execution_requested", "execution_queued", "execution_scheduled");
        assertThat(types).containsSubsequence("execution_started", "execution_completed", "result_stored");
    }

    @Test
    void theListFiltersPagesAndCounts() {
        ApiSession session = stranger();
        String ok = session.execute("print('ok')");
        String broken = session.execute("raise SystemExit(3)");
        session.awaitResult(ok);
        session.awaitResult(broken);
        String bash = session.execute("bash", "5.2", "echo hi");
        session.awaitResult(bash);

        JsonNode page = session.get("/api/v1/user/executions?limit=2&skip=0").body();
        assertThat(page.get("total").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(page.get("executions")).hasSize(2);
        assertThat(page.get("has_more").asBoolean()).isTrue();
        assertThat(page.get("executions").get(0).get("execution_id").asText()).isEqualTo(bash);
        JsonNode byLang = session.get("/api/v1/user/executions?lang=bash").body();
        assertThat(byLang.get("executions").findValuesAsText("execution_id")).containsExactly(bash);
        JsonNode future = session.get("/api/v1/user/executions?start_time=2999-01-01T00:00:00Z")
                .body();
        assertThat(future.get("total").asLong()).isZero();
        assertThat(session.get("/api/v1/user/executions?limit=0").status()).isEqualTo(422);
        assertThat(session.get("/api/v1/user/executions?status=nope").status()).isEqualTo(422);
    }

    @Test
    void aUserWithFiveActiveExecutionsIsToldToWait() {
        registerAndLogin("busy");
        ApiSession busy = ApiSession.login(port, "busy", "busy-password");
        List<String> running = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            running.add(busy.execute("import time\ntime.sleep(3)"));
        }

        ApiSession.Reply sixth = busy.post("/api/v1/execute", Map.of("script", "print(6)"));

        assertThat(sixth.status()).isEqualTo(429);
        assertThat(sixth.body().get("detail").asText()).contains("at most 5");
        running.forEach(busy::awaitResult);
        assertThat(busy.post("/api/v1/execute", Map.of("script", "print(7)")).status())
                .isEqualTo(200);
    }

    private void registerAndLogin(String name) {
        ApiSession.anonymous(
                port,
                "POST",
                "/api/v1/auth/register",
                Map.of("username", name, "email", name + "@example.com", "password", name + "-password"));
    }

    /** Heap in use after a collection: the app runs in this JVM, so its memory shows here. */
    private static long settledHeapBytes() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean()
                .getHeapMemoryUsage()
                .getUsed();
    }

    private static Instant startedAt(ApiSession session, String id) {
        return eventTime(session, id, "execution_running");
    }

    private static Instant finishedAt(ApiSession session, String id) {
        return eventTime(session, id, "result_stored");
    }

    private static Instant eventTime(ApiSession session, String id, String type) {
        JsonNode events = session.get("/api/v1/executions/" + id + "/events?event_types=" + type)
                .body();
        return Instant.parse(events.get(0).get("timestamp").asText());
    }

    private static long hostProcessesWith(String marker) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            String cmdline =
                                    Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                            return cmdline.contains("sleep " + marker);
                        } catch (IOException | RuntimeException e) {
                            return false;
                        }
                    })
                    .count();
        }
    }
}
