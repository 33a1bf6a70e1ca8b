package dev.sandpod.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.FileAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.app.journey.ApiSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * The log file of the embedded profile is JSON, one object per line, with the trace, span, correlation and
 * execution ids where they apply, and no secret ever reaches it: not the password of a sign-in, not the session
 * JWT, not the CSRF token, even with Sandpod's own loggers and Spring's web loggers at DEBUG.
 */
@AutoConfigureObservability
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
            "logging.level.dev.sandpod=DEBUG",
            "logging.level.org.springframework.web=DEBUG",
            "logging.level.org.springframework.security=DEBUG",
        })
class JsonLogFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void withoutAnOtlpEndpointNothingIsExported() {
        assertThat(context.getBeansOfType(io.micrometer.registry.otlp.OtlpMeterRegistry.class))
                .isEmpty();
        assertThat(context.getBeansOfType(io.opentelemetry.sdk.trace.export.SpanExporter.class))
                .isEmpty();
    }

    @Test
    void logLinesAreJsonWithTraceAndExecutionIdsAndNoSecrets() throws IOException {
        String password = "Correct-Horse-Battery-42";
        ApiSession.anonymous(
                port,
                "POST",
                "/api/v1/auth/register",
                Map.of("username", "logcheck", "email", "logcheck@example.test", "password", password));
        ApiSession user = ApiSession.login(port, "logcheck", password);
        String id = user.execute("python", "3.11", "print('logged')");
        assertThat(user.awaitResult(id).get("stdout").asText()).isEqualTo("logged\n");
        // a request carrying the session cookie and the CSRF header, and one the CSRF check refuses
        assertThat(user.get("/api/v1/executions/" + id + "/result").status()).isEqualTo(200);
        assertThat(user.postWithoutCsrfHeader("/api/v1/execute").status()).isEqualTo(403);

        // Logging is configured by the first application context of a JVM and kept while any lives (other test
        // classes' cached contexts): read the file the log is really written to, <that context's data dir>/logs.
        Path file = Path.of(((FileAppender<?>) ((LoggerContext) LoggerFactory.getILoggerFactory())
                        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                        .getAppender("FILE"))
                .getFile());
        assertThat(file.getFileName()).hasToString("sandpod.log");
        assertThat(file.getParent().getFileName()).hasToString("logs");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<JsonNode> lines = lines(file);
            assertThat(lines)
                    .as("log lines of the run carry its execution id and a trace id")
                    .anySatisfy(line -> {
                        assertThat(line.path("execution_id").asText()).isEqualTo(id);
                        assertThat(line.path("traceId").asText()).matches("[0-9a-f]{32}");
                        assertThat(line.path("spanId").asText()).matches("[0-9a-f]{16}");
                        assertThat(line.path("correlation_id").asText()).isNotBlank();
                    });
        });
        List<JsonNode> lines = lines(file);
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.has("@timestamp")).isTrue();
            assertThat(line.path("log.level").asText() + line.at("/log/level").asText())
                    .isNotBlank();
            assertThat(line.path("message").isTextual()).isTrue();
        });
        // Tracing is on but no OTLP endpoint is set for this context: no exporter tries the default collector
        // address (localhost:4318) and fills the log with its failures.
        assertThat(lines).noneSatisfy(line -> assertThat(line.toString()).contains(":4318"));
        String text = Files.readString(file);
        assertThat(text).doesNotContain(password);
        assertThat(text).doesNotContain(user.accessToken());
        // the JWT's signature alone must not be there either (a log could cut the token at its dots)
        assertThat(text)
                .doesNotContain(user.accessToken().substring(user.accessToken().lastIndexOf('.') + 1));
        assertThat(text).doesNotContain(user.csrfToken());
    }

    /** Every line of the file, each parsed as JSON (the parse fails the test for a line that is not). */
    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                parsed.add(JSON.readTree(line));
            }
        }
        return parsed;
    }
}
