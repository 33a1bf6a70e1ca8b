package dev.sandpod.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A start on the embedded default, as {@code ./sandpod run} does it: the terminal gets the ready banner and
 * warnings only, in plain text; the log file in the data dir gets the INFO lines of Kafka, Axon and the rest, as JSON.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadyBannerTest {

    /** Spring Boot's console line: timestamp, level, pid, "---". */
    private static final String INFO_LINE = "^\\S+\\s+INFO\\s+\\d+\\s+---.*";

    @Test
    void theTerminalShowsTheBannerAndWarningsWhileTheLogFileGetsEveryInfoLine(CapturedOutput output) throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-banner");
        Path logFile = dataDir.resolve("logs").resolve("sandpod.log");
        // Logging is configured by the first application context of a JVM and kept while any lives (other test
        // classes' cached contexts): start from an unconfigured logging system, as a real start does, so this
        // start's console threshold and log file are the ones in force.
        LoggingSystem.get(getClass().getClassLoader()).cleanUp();

        // Command-line arguments: properties given to the builder would rank below application.yml.
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SandpodApplication.class)
                .run("--server.port=0", "--sandpod.data-dir=" + dataDir, "--sandpod.security.bcrypt.cost=4")) {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));

            assertThat(output.getOut())
                    .contains(
                            "Sandpod is ready at http://localhost:" + port + "/",
                            "Sign in:  user / user123 or admin / admin123",
                            "Network:  demo accounts active: yes, listening on: 127.0.0.1:" + port
                                    + " (this machine only)",
                            "Data:     " + dataDir,
                            "Log:      " + logFile,
                            "Stop:     Ctrl+C");
            List<String> infoOnConsole =
                    output.toString().lines().filter(l -> l.matches(INFO_LINE)).toList();
            assertThat(infoOnConsole).as("INFO lines on the terminal").isEmpty();

            // Kafka's and Axon's start-up lines, the banner too, in the file's JSON lines (ECS).
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> assertThat(Files.readString(logFile))
                                    .contains(
                                            "\"level\":\"INFO\",\"logger\":\"org.apache.kafka.clients.consumer.ConsumerConfig\"")
                                    .contains(
                                            "\"level\":\"INFO\",\"logger\":\"org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor\"")
                                    .containsPattern(
                                            "\"level\":\"INFO\",\"logger\":\"dev\\.sandpod\\.app\\.ReadyBanner\".*\"message\":\"Sandpod is ready at"));
        }
    }
}
