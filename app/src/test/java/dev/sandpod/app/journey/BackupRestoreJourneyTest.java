package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.embedded.BackupCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An operator backs up the embedded default while people run code, later restores the backup into a fresh
 * data directory and starts Sandpod on it: every account and every run that had ended is there, with its
 * output; the runs that were in flight end too.
 */
class BackupRestoreJourneyTest {

    private static final Logger log = LoggerFactory.getLogger(BackupRestoreJourneyTest.class);

    private static final int TIMEOUT_SECONDS = 3;
    private static final int BACKSTOP_GRACE_SECONDS = 5;
    private static final int USERS = 4;
    private static final int RUNS_PER_USER = 4;
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

    private static String script(String name, boolean slow) {
        // output-heavy enough to span several chunks; the slow ones are still running during the backup
        return (slow ? "import time\ntime.sleep(1)\n" : "") + "for i in range(200):\n    print('" + name + "', i)\n";
    }

    private static String expectedOutput(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            out.append(name).append(' ').append(i).append('\n');
        }
        return out.toString();
    }

    private static String status(ApiSession session, String id) {
        return session.get("/api/v1/executions/" + id + "/result")
                .body()
                .get("status")
                .asText();
    }

    @Test
    void aBackupTakenDuringABurstRestoresEveryUserAndEveryFinishedRun() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-backup-source");
        Path backupDir = Files.createTempDirectory("sandpod-backup").resolve("copy");
        Path restoredDir = Files.createTempDirectory("sandpod-backup-restored");
        running = start(dataDir);
        int port = portOf(running);

        Map<String, ApiSession> users = new LinkedHashMap<>();
        for (int u = 0; u < USERS; u++) {
            String name = "backup" + u + "-" + Long.toHexString(System.nanoTime());
            users.put(name, ApiSession.register(port, name));
        }
        // id -> [user, name]: a first round that ends before the backup, a second one in flight during it
        Map<String, String[]> runs = new LinkedHashMap<>();
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<String, ApiSession> user : users.entrySet()) {
                for (int r = 0; r < RUNS_PER_USER / 2; r++) {
                    String name = user.getKey() + "-r" + round + "-" + r;
                    runs.put(user.getValue().execute(script(name, round == 1)), new String[] {user.getKey(), name});
                }
            }
            if (round == 0) {
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> runs.entrySet().stream()
                                .allMatch(
                                        run -> TERMINAL.contains(status(users.get(run.getValue()[0]), run.getKey()))));
            }
        }
        List<String> endedBeforeBackup = new ArrayList<>();
        // What each ended run's owner saw before the backup (a loaded machine may end one as a timeout).
        Map<String, JsonNode> resultsBeforeBackup = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> run : runs.entrySet()) {
            JsonNode result = users.get(run.getValue()[0])
                    .get("/api/v1/executions/" + run.getKey() + "/result")
                    .body();
            if (TERMINAL.contains(result.get("status").asText())) {
                endedBeforeBackup.add(run.getKey());
                resultsBeforeBackup.put(run.getKey(), result);
            }
        }
        assertThat(endedBeforeBackup).hasSizeGreaterThanOrEqualTo(USERS * RUNS_PER_USER / 2);
        assertThat(endedBeforeBackup).hasSizeLessThan(runs.size()); // some are still in flight: a real burst

        long backupStart = System.nanoTime();
        BackupCommand.backup(dataDir, backupDir);
        long backupMillis = (System.nanoTime() - backupStart) / 1_000_000;

        assertThat(backupDir.resolve(BackupCommand.MANIFEST)).isRegularFile();
        // A restore onto the data of a running app, or from a directory that is no backup, is refused clearly.
        assertThat(cli("restore", backupDir, dataDir)).contains("Sandpod is running on " + dataDir);
        assertThat(cli("restore", restoredDir, Files.createTempDirectory("sandpod-empty")))
                .contains("is not a Sandpod backup");
        assertThat(cli("backup", backupDir, dataDir)).contains("is not empty");

        running.close();
        running = null;
        assertThat(cli("restore", backupDir, restoredDir)).isEmpty();
        running = start(restoredDir);
        int restoredPort = portOf(running);
        long restoredAt = System.nanoTime();

        for (String user : users.keySet()) {
            ApiSession session = ApiSession.login(restoredPort, user, "pw-" + user + "-123");
            List<String> listed = session.get("/api/v1/user/executions?limit=100")
                    .body()
                    .get("executions")
                    .findValuesAsText("execution_id");
            for (String id : endedBeforeBackup) {
                String[] run = runs.get(id);
                if (!run[0].equals(user)) {
                    continue;
                }
                assertThat(listed).contains(id);
                JsonNode result =
                        session.get("/api/v1/executions/" + id + "/result").body();
                JsonNode before = resultsBeforeBackup.get(id);
                assertThat(result.get("status").asText())
                        .as(id)
                        .isEqualTo(before.get("status").asText());
                assertThat(result.get("stdout").asText())
                        .as(id)
                        .isEqualTo(before.get("stdout").asText());
                assertThat(result.get("exit_code")).as(id).isEqualTo(before.get("exit_code"));
                if (before.get("status").asText().equals("completed")) {
                    assertThat(result.get("stdout").asText()).as(id).isEqualTo(expectedOutput(run[1]));
                }
            }
        }
        // The runs in flight during the backup end as well (run again, or stopped by their backstop).
        for (Map.Entry<String, String[]> run : runs.entrySet()) {
            ApiSession owner = ApiSession.login(restoredPort, run.getValue()[0], "pw-" + run.getValue()[0] + "-123");
            await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS + BACKSTOP_GRACE_SECONDS + 60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> TERMINAL.contains(status(owner, run.getKey())));
        }
        log.info(
                "backup during a burst: {} users, {} runs, {} ended before the backup and all restored with their"
                        + " output, {} in flight; backup {} ms, {} bytes; all in-flight runs ended {} ms after the"
                        + " restored app started",
                users.size(),
                runs.size(),
                endedBeforeBackup.size(),
                runs.size() - endedBeforeBackup.size(),
                backupMillis,
                Files.size(backupDir.resolve("sandpod.mv")),
                (System.nanoTime() - restoredAt) / 1_000_000);
    }

    /** Runs the command as {@code ./sandpod} does; returns what it printed on stderr. */
    private static String cli(String command, Path dir, Path dataDir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BackupCommand.run(
                new String[] {command, dir.toString()},
                dataDir,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isEqualTo(printed.isEmpty() ? 0 : 1);
        return printed;
    }
}
