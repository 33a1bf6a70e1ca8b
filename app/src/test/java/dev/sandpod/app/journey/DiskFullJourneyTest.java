package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.embedded.mongo.DiskSpaceGuard;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The data directory's file system fills up while Sandpod runs (issue 20): writes are refused with 507 and
 * a clear log line, reads and the application go on, what was stored before is intact, and once space is
 * freed new runs are accepted again, without a restart.
 *
 * <p>The data directory is a small file system of its own: a 96 MB tmpfs mounted for the test (the test
 * runs as root in CI and in the development container). Where mounting is not allowed, the data directory
 * stays on the machine's file system and the application is told to keep all but 64 MB of its current free
 * space in reserve ({@code sandpod.embedded.mongo-min-free-bytes}): the filler then really fills that file
 * system to the same point, and the same code sees it. Filled to within {@value #LEFT_FREE_MB} MB: below
 * the store's reserve of 32 MB.
 */
class DiskFullJourneyTest {

    private static final Logger log = LoggerFactory.getLogger(DiskFullJourneyTest.class);
    private static final long LEFT_FREE_MB = 8;

    private ConfigurableApplicationContext running;
    private Path mounted;
    private Path filler;

    @AfterEach
    void cleanUp() throws Exception {
        if (running != null) {
            running.close();
        }
        if (filler != null) {
            Files.deleteIfExists(filler);
        }
        if (mounted != null) {
            run("umount", "-l", mounted.toString());
        }
    }

    @Test
    void writesAreRefusedWhileTheDiskIsFullAndResumeOnceSpaceIsFreed() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-disk-full");
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--sandpod.data-dir=" + dataDir,
                "--sandpod.security.bcrypt.cost=4",
                "--sandpod.rate-limit.enabled=false"));
        if (run("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", dataDir.toString()) == 0) {
            mounted = dataDir;
            log.info("data directory on a 96 MB tmpfs");
        } else {
            long reserve = Files.getFileStore(dataDir).getUsableSpace() - (64L << 20);
            args.add("--sandpod.embedded.mongo-min-free-bytes=" + reserve);
            log.info("mounting is not allowed here: the store keeps {} MB in reserve instead", reserve >> 20);
        }
        running = new SpringApplicationBuilder(SandpodApplication.class).run(args.toArray(String[]::new));
        int port = Integer.parseInt(running.getEnvironment().getProperty("local.server.port"));
        ApiSession user = ApiSession.login(port, "user", "user123");
        String before = user.execute("print('stored before the disk filled')");
        JsonNode stored = user.awaitResult(before);
        assertThat(stored.get("stdout").asText()).isEqualTo("stored before the disk filled\n");

        // The application's log as it is written (the log file is the first context's in a shared test JVM).
        ListAppender<ILoggingEvent> guardLog = new ListAppender<>();
        guardLog.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(DiskSpaceGuard.class)).addAppender(guardLog);
        filler = dataDir.resolve("filler.bin");
        fill(filler, LEFT_FREE_MB << 20);
        log.info("file system filled: {} MB left", Files.getFileStore(dataDir).getUsableSpace() >> 20);

        ApiSession.Reply refused = user.post("/api/v1/execute", script("print('while full')"));
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(507);
        assertThat(refused.body().get("type").asText()).isEqualTo("InsufficientStorage");
        assertThat(refused.body().get("detail").asText()).contains("disk is full");
        // Reads go on, and what was stored before is unchanged.
        assertThat(user.get("/api/v1/executions/" + before + "/result")
                        .body()
                        .get("stdout")
                        .asText())
                .isEqualTo("stored before the disk filled\n");
        assertThat(user.get("/api/v1/executions/" + before + "/events").status())
                .isEqualTo(200);
        assertThat(ApiSession.anonymous(port, "GET", "/api/v1/health/live", null)
                        .status())
                .isEqualTo(200);
        assertThat(guardLog.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).startsWith("Refusing writes: OutOfDiskSpace"));

        log.info("while full: POST /api/v1/execute -> {} {}", refused.status(), refused.body());
        Files.delete(filler);
        filler = null;
        long freed = System.nanoTime();
        // The same process, no restart: new runs are accepted and run to their end again.
        List<ApiSession.Reply> replies = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    ApiSession.Reply reply = user.post("/api/v1/execute", script("print('after space was freed')"));
                    replies.add(reply);
                    return reply.status() == 200;
                });
        log.info(
                "space freed: a new run accepted after {} ms ({} attempts)",
                (System.nanoTime() - freed) / 1_000_000,
                replies.size());
        String after =
                replies.get(replies.size() - 1).body().get("execution_id").asText();
        // The processors that failed to write meanwhile are in their back-off: generous, on the end state.
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> "completed"
                        .equals(user.get("/api/v1/executions/" + after + "/result")
                                .body()
                                .path("status")
                                .asText()));
        assertThat(user.get("/api/v1/executions/" + after + "/result")
                        .body()
                        .get("stdout")
                        .asText())
                .isEqualTo("after space was freed\n");
        assertThat(user.get("/api/v1/executions/" + before + "/result")
                        .body()
                        .get("stdout")
                        .asText())
                .isEqualTo("stored before the disk filled\n");
    }

    private static Map<String, String> script(String code) {
        return Map.of("script", code, "lang", "python", "lang_version", "3.11");
    }

    /** Writes into {@code file} until its file system has at most {@code leaveFree} bytes left. */
    private static void fill(Path file, long leaveFree) throws IOException {
        byte[] block = new byte[1 << 20];
        java.util.Arrays.fill(block, (byte) 0x5a);
        var fileSystem = Files.getFileStore(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            long free;
            while ((free = fileSystem.getUsableSpace()) > leaveFree) {
                out.write(block, 0, (int) Math.min(block.length, free - leaveFree));
                out.flush();
            }
        }
    }

    private static int run(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            int exit = process.waitFor();
            if (exit != 0) {
                log.info("{} exited {}: {}", String.join(" ", command), exit, output.strip());
            }
            return exit;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
