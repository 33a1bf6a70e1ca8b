package dev.sandpod.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.app.journey.ApiSession;
import dev.sandpod.app.observability.OtlpReceiver.ReceivedSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * One run is one trace: the HTTP request, the commands and events, the saga, the run request on Kafka, the
 * runner, its reports on Kafka and the projection that feeds the stream, exported over OTLP to a collector
 * (here an in-process one) because {@code sandpod.otlp.endpoint} (SANDPOD_OTLP_ENDPOINT) is set. The trace id
 * is the one in the execution's events and in its result. Metrics go to the same collector.
 */
// Closed after this class, so that its exporters stop pushing; the collector itself lives as long as the JVM
// and accepts whatever they send until then.
@DirtiesContext
@AutoConfigureObservability
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
            "sandpod.otlp.endpoint=http://127.0.0.1:${sandpod.test.otlp-port}",
            "management.tracing.opentelemetry.export.schedule-delay=200ms",
            "management.otlp.metrics.export.step=2s",
        })
class RunTraceTest {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunTraceTest.class);

    static final OtlpReceiver COLLECTOR = start();

    @LocalServerPort
    int port;

    private static OtlpReceiver start() {
        try {
            OtlpReceiver receiver = new OtlpReceiver();
            System.setProperty("sandpod.test.otlp-port", String.valueOf(receiver.port()));
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void oneRunIsOneTraceFromTheHttpRequestThroughKafkaAndTheRunnerBackToTheStream() {
        ApiSession user = ApiSession.login(port, "user", "user123");
        String id = user.execute("python", "3.11", "print('traced')");
        JsonNode result = user.awaitResult(id);
        assertThat(result.get("stdout").asText()).isEqualTo("traced\n");

        String traceId = result.get("trace_id").asText();
        assertThat(traceId).matches("[0-9a-f]{32}");
        JsonNode events = user.get("/api/v1/executions/" + id + "/events").body();
        List<String> eventTraceIds = events.findValues("trace_id").stream()
                .map(JsonNode::asText)
                .distinct()
                .toList();
        assertThat(eventTraceIds).containsExactly(traceId);
        assertThat(events.findValues("event_type").stream().map(JsonNode::asText))
                .contains("execution_requested", "execution_scheduled", "execution_started", "result_stored");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ReceivedSpan> trace = COLLECTOR.trace(traceId);
            Set<String> names = trace.stream().map(ReceivedSpan::name).collect(Collectors.toSet());
            assertThat(trace).as("spans of trace %s: %s", traceId, names).hasSizeGreaterThanOrEqualTo(6);
            assertThat(names)
                    .as("one span per hop")
                    .contains(
                            "http post /api/v1/execute",
                            "sandpod.run-requests send",
                            "sandpod.run-requests receive",
                            "run python",
                            "sandpod.run-reports send",
                            "sandpod.run-reports receive")
                    .anyMatch(n -> n.contains("RequestExecutionCommand"))
                    .anyMatch(n -> n.contains("ExecutionSaga"))
                    .anyMatch(n -> n.contains("RecordExecutionOutcomeCommand"))
                    .anyMatch(n -> n.startsWith("ExecutionProjection.on(ResultStoredEvent"))
                    // the projection pushing the stored frame to the open SSE streams
                    .contains("QueryUpdateEmitter.emitQueryUpdateMessage(ExecutionFrameView)");
            // One tree: a single root (the HTTP request), every other span's parent is in the trace.
            Set<String> ids = trace.stream().map(ReceivedSpan::spanId).collect(Collectors.toCollection(HashSet::new));
            assertThat(trace.stream().filter(s -> !ids.contains(s.parentSpanId())))
                    .extracting(ReceivedSpan::name)
                    .containsExactly("http post /api/v1/execute");
        });
        // The same switch exports the metrics over OTLP (every 2 s here).
        await().atMost(Duration.ofSeconds(20)).until(() -> COLLECTOR.metricExports() > 0);
        // The trace as an operator's tracing UI would show it, for whoever reads this test's output.
        log.info("trace {}:", traceId);
        COLLECTOR.trace(traceId).forEach(span -> log.info("  {} ({})", span.name(), span.scope()));
    }
}
