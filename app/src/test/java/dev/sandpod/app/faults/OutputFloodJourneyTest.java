package dev.sandpod.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.journey.ApiSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output floods at the default heap (issue 20 item 8): the app runs as operators run it (its own JVM, -Xmx512m,
 * the embedded Mongo-wire store and Kafka broker, the local runner); waves of eight runs that write to stdout and
 * stderr as fast as they can, each stopped at the output cap, run side by side while a reader fetches their
 * stored results, and the store's online compaction checks every 2 s (in a long-running instance it runs during
 * such floods too). Every flood must end with its output cut at the caps and flagged as cut, the app must stay
 * ready, a harmless run afterwards must complete, the log must show no {@code OutOfMemoryError}, and what the
 * floods leave on the heap (live bytes after a full GC, against the same figure before them) must stay bounded.
 *
 * <p>Before the bound on Axon's event cache (docs/architecture.md "Output floods"), every flood's final event
 * (its 2 MiB of output, as stored JSON and as the event read from it) stayed in that cache, which counts 10 000
 * events whatever their size: the heap filled with about 270 MB of live byte arrays, the store's client timed out
 * on a GC-bound JVM, floods stayed {@code running} and requests waited for more than 30 s. Timing figures of the
 * same load are in {@code bench/hostile-load}, not asserted here.
 */
class OutputFloodJourneyTest {

    private static final Logger log = LoggerFactory.getLogger(OutputFloodJourneyTest.class);

    private static final Set<String> TERMINAL = Set.of("completed", "failed", "timeout", "cancelled", "error");
    private static final int WAVES = 8;
    /**
     * Generous: seen 138 MB (101 MB before the floods, 239 MB after) with the event cache bounded, most of it the
     * event cache (about 16 runs' events, up to 4 MB each), the store's page cache and the driver's, consumers' and
     * broker's buffers. Unbounded, the floods' final events alone reached about 270 MB and the app stalled in GC.
     */
    private static final long MAX_HEAP_GROWTH = 200L << 20;

    private static final List<String> FLOODS = List.of(
            "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n    sys.stderr.write('e' * 65536)\n",
            "import sys\nwhile True: sys.stdout.write('y\\n' * 32768)\n",
            "import os\nwhile True: os.write(1, os.urandom(65536).hex().encode())\n",
            "import sys\nwhile True: sys.stderr.write('z' * 65536)\n");

    private SandpodProcess app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void outputFloodsLeaveTheStoreAliveAndTheAppReady() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-flood");
        Path logFile = Files.createTempDirectory("sandpod-flood-logs").resolve("app.log");
        app = SandpodProcess.start(
                dataDir,
                logFile,
                List.of(
                        "--sandpod.execution.max-active-per-user=100",
                        "--sandpod.execution.timeout-seconds=20",
                        // The store's online compaction checks every 2 s instead of every minute, so that it
                        // runs while the floods are written and read, as it would in a long-running instance.
                        "--sandpod.embedded.mongo-compact-period=2s"));
        ApiSession session = ApiSession.login(app.port(), "user", "user123");
        String warmUp = session.execute("python", "3.11", "print('ok')");
        awaitTerminal(session, List.of(warmUp), Duration.ofMinutes(2));
        long heapBefore = liveHeapBytes();

        List<String> floods = new CopyOnWriteArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        // Two readers fetch the floods' stored results (megabytes each) and the run list meanwhile, as a UI would.
        Thread reader = new Thread(
                () -> {
                    while (reading.get()) {
                        try {
                            session.get("/api/v1/user/executions?limit=20");
                            if (!floods.isEmpty()) {
                                session.get("/api/v1/executions/" + floods.get(floods.size() - 1) + "/result");
                            }
                        } catch (RuntimeException e) {
                            // a failed read is not this test's verdict: the end states below are
                        }
                    }
                },
                "flood-test-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            for (int wave = 0; wave < WAVES; wave++) {
                List<String> thisWave = new ArrayList<>();
                for (String flood : FLOODS) {
                    thisWave.add(session.execute("python", "3.11", flood));
                    thisWave.add(session.execute("python", "3.11", flood));
                }
                floods.addAll(thisWave);
                awaitTerminal(session, thisWave, Duration.ofMinutes(3));
            }
        } finally {
            reading.set(false);
            reader.join(Duration.ofMinutes(1).toMillis());
        }

        for (String id : floods) {
            JsonNode result =
                    session.get("/api/v1/executions/" + id + "/result").body();
            assertThat(result.path("stdout_truncated").asBoolean()
                            || result.path("stderr_truncated").asBoolean())
                    .as("flood %s was cut at the output cap: %s", id, result.path("status"))
                    .isTrue();
            assertThat(result.path("stdout").asText().length()
                            + result.path("stderr").asText().length())
                    .as("flood %s stored output within the caps", id)
                    .isLessThanOrEqualTo(2 * (1 << 20) + 64);
        }

        assertThat(ApiSession.anonymous(app.port(), "GET", "/api/v1/health/ready", null)
                        .status())
                .as("ready after the floods; " + app.jvm().tail())
                .isEqualTo(200);
        long heapAfter = liveHeapBytes();
        log.info("live heap after a full GC: {} MB before the floods, {} MB after", heapBefore >> 20, heapAfter >> 20);
        assertThat(heapAfter - heapBefore)
                .as(
                        "what %d floods left on the heap (live bytes after a full GC; %d MB before, %d MB after)",
                        floods.size(), heapBefore >> 20, heapAfter >> 20)
                .isLessThan(MAX_HEAP_GROWTH);
        String ok = session.execute("python", "3.11", "print('ok')");
        awaitTerminal(session, List.of(ok), Duration.ofMinutes(2));
        JsonNode result = session.get("/api/v1/executions/" + ok + "/result").body();
        assertThat(result.path("status").asText()).as(app.jvm().tail()).isEqualTo("completed");
        assertThat(result.path("stdout").asText()).isEqualTo("ok\n");
        assertThat(Files.readString(logFile))
                .as("the store never ran out of memory")
                .doesNotContain("OutOfMemoryError");
        log.info(
                "{} output floods in {} waves of {}: all cut at the cap, the app ready, print('ok') completed",
                floods.size(),
                WAVES,
                2 * FLOODS.size());
    }

    /** The child JVM's live heap: {@code jcmd GC.class_histogram} runs a full GC first and prints the total. */
    private long liveHeapBytes() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(
                        jcmd.toString(), Long.toString(app.jvm().pid()), "GC.class_histogram")
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(out).isZero();
        Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$").matcher(out);
        assertThat(total.find())
                .as("a histogram total in: %s", out.lines().limit(5).toList())
                .isTrue();
        return Long.parseLong(total.group(1));
    }

    private void awaitTerminal(ApiSession session, List<String> ids, Duration limit) {
        try {
            await().atMost(limit)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .failFast("the app exited", () -> !app.jvm().isAlive())
                    .until(() -> ids.stream().allMatch(id -> TERMINAL.contains(status(session, id))));
        } catch (ConditionTimeoutException e) {
            List<String> statuses =
                    ids.stream().map(id -> id + "=" + status(session, id)).toList();
            throw new AssertionError(
                    "runs did not end: " + statuses + "; " + app.jvm().tail(), e);
        }
    }

    private static String status(ApiSession session, String id) {
        try {
            ApiSession.Reply reply = session.get("/api/v1/executions/" + id + "/result");
            return reply.status() == 200 ? reply.body().path("status").asText() : "http " + reply.status();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }
}
