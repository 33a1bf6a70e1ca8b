package dev.sandpod.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.app.journey.ApiSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plug is pulled (SIGKILL of the app's JVM) while 50 runs are in flight: quick ones, 2 s sleeps,
 * output-heavy ones and a fork bomb. Started again on the same data directory, Sandpod ends every one of them
 * within the run timeout + 30 s, each exactly once, completed ones with their whole output, every read model
 * as its events say; no sandbox process of the killed app survives.
 */
class KillNineJourneyTest {

    private static final Logger log = LoggerFactory.getLogger(KillNineJourneyTest.class);

    private static final int RUNS = 50;
    private static final int TIMEOUT_SECONDS = 10;
    private static final int BACKSTOP_GRACE_SECONDS = 10;
    /** The bound is timeout + 30 s after the restart; three times that on a loaded 2-core CI machine. */
    private static final Duration BOUND = Duration.ofSeconds(TIMEOUT_SECONDS + 30);

    private SandpodProcess app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static SandpodProcess start(Path dataDir, Path log) {
        return SandpodProcess.start(
                dataDir,
                log,
                List.of(
                        "--sandpod.execution.timeout-seconds=" + TIMEOUT_SECONDS,
                        "--sandpod.execution.backstop-grace-seconds=" + BACKSTOP_GRACE_SECONDS,
                        "--sandpod.execution.max-active-per-user=" + RUNS));
    }

    @Test
    void fiftyRunsInFlightAtAKillNineAllEndOnceAfterTheRestart() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-kill9");
        Path logDir = Files.createTempDirectory("sandpod-kill9-logs");
        app = start(dataDir, logDir.resolve("before.log"));
        ApiSession before = ApiSession.login(app.port(), "user", "user123");
        InFlightRuns runs = new InFlightRuns(before).submit(RUNS, "k9", true);
        // Kill while a good part is running: sandboxes alive, output streaming, the rest queued.
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> runs.count("running") >= 5);
        Map<String, String> atKill = runs.statuses();
        List<ProcessHandle> sandboxes = app.jvm().descendants();
        long killedPid = app.jvm().pid();
        app.jvm().kill9();
        assertThat(ProcessHandle.of(killedPid)).isEmpty();
        long orphansAfterKill =
                sandboxes.stream().filter(ProcessHandle::isAlive).count();

        long restartAt = System.nanoTime();
        app = start(dataDir, logDir.resolve("after.log"));
        long readyAt = System.nanoTime();
        ApiSession after = ApiSession.login(app.port(), "user", "user123");
        InFlightRuns again = new InFlightRuns(after);
        again.runs().putAll(runs.runs());
        try {
            await().atMost(BOUND.multipliedBy(3))
                    .pollInterval(Duration.ofMillis(250))
                    .until(again::allTerminal);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not every run ended after the restart: " + again.statuses(), e);
        }
        long allEndedAt = System.nanoTime();
        // Whatever the killed JVM left running is gone (killed with it, or reaped by the restarted executor).
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> sandboxes.stream().noneMatch(ProcessHandle::isAlive));

        Map<String, Integer> ended = again.verify();
        long fromReady = (allEndedAt - readyAt) / 1_000_000;
        long fromRestart = (allEndedAt - restartAt) / 1_000_000;
        log.info(
                "kill -9 with {} runs in flight ({} running, {} queued/scheduled, {} ended at the kill; {} sandbox"
                        + " processes, {} alive right after the kill): restart took {} ms; all ended {} ms after the"
                        + " restart began, {} ms after it was ready (bound: timeout + 30 s = {} s, {}); ended as {};"
                        + " lost 0, duplicated 0",
                RUNS,
                atKill.values().stream().filter("running"::equals).count(),
                atKill.values().stream()
                        .filter(s -> !InFlightRuns.TERMINAL.contains(s) && !s.equals("running"))
                        .count(),
                atKill.values().stream().filter(InFlightRuns.TERMINAL::contains).count(),
                sandboxes.size(),
                orphansAfterKill,
                (readyAt - restartAt) / 1_000_000,
                fromRestart,
                fromReady,
                BOUND.toSeconds(),
                fromRestart <= BOUND.toMillis() ? "within" : "OVER (loaded machine?)",
                ended);
        assertThat(ended.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(RUNS);
    }
}
