package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.avro.RunStarted;
import dev.sandpod.api.kafka.Topics;
import dev.sandpod.app.SandpodApplication;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Kafka delivers at least once: a run request or a run report may arrive twice (a consumer that crashed
 * before committing, a producer retry). This test puts the very same message on the topic a second time,
 * waits until the consumer has taken it, and sees that nothing a user could notice has changed.
 */
class RedeliveryJourneyTest {

    private static ConfigurableApplicationContext app;
    private static ApiSession user;
    private static TopicProbe topics;

    @BeforeAll
    static void start() throws Exception {
        app = new SpringApplicationBuilder(SandpodApplication.class)
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-redelivery"),
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.rate-limit.enabled=false");
        topics = new TopicProbe(app.getEnvironment().getProperty("spring.kafka.bootstrap-servers"));
        user = ApiSession.login(
                Integer.parseInt(app.getEnvironment().getProperty("local.server.port")), "user", "user123");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aRedeliveredRunRequestRunsNothingAgain() throws Exception {
        String id = user.execute("print('once only')");
        assertThat(user.awaitResult(id).get("status").asText()).isEqualTo("completed");
        Snapshot before = snapshot(user, id);

        topics.redeliverAndAwaitConsumed(topics.runRequest(id), TopicProbe.EXECUTOR_GROUP);
        // A run started after the duplicate was taken ends after anything the duplicate would have started.
        String later = user.execute("print('later')");
        assertThat(user.awaitResult(later).get("status").asText()).isEqualTo("completed");

        assertThat(snapshot(user, id)).isEqualTo(before);
        assertThat(topics.runsStarted(id)).isEqualTo(1);
    }

    @Test
    void redeliveredRunReportsChangeNothing() throws Exception {
        String id = user.execute("print('reported once')");
        assertThat(user.awaitResult(id).get("status").asText()).isEqualTo("completed");
        Snapshot before = snapshot(user, id);

        for (Class<?> kind : List.of(RunStarted.class, RunFinished.class)) {
            ConsumerRecord<String, byte[]> original = topics.find(Topics.RUN_REPORTS, value -> {
                RunReport report = RunReport.fromByteBuffer(ByteBuffer.wrap(value));
                return report.getExecutionId().equals(id) && kind.isInstance(report.getPayload());
            });
            topics.redeliverAndAwaitConsumed(original, TopicProbe.REPORT_GROUP);
        }

        assertThat(snapshot(user, id)).isEqualTo(before);
        assertThat(before.resultStored()).isEqualTo(1);
        assertThat(before.stdout()).isEqualTo("reported once\n");
    }

    /** What a user sees of the execution: its events, result and stream. */
    record Snapshot(List<String> eventTypes, long resultStored, String status, String stdout, List<JsonNode> frames) {}

    static Snapshot snapshot(ApiSession user, String id) {
        List<String> types = new ArrayList<>();
        for (JsonNode event : user.get("/api/v1/executions/" + id + "/events").body()) {
            types.add(event.get("event_type").asText());
        }
        JsonNode result = user.get("/api/v1/executions/" + id + "/result").body();
        // the stored frames; the stream's opening status frame is made (and stamped) on each connect
        List<JsonNode> frames = user.stream(id, null, Duration.ofSeconds(30)).stream()
                .filter(frame -> !frame.path("event_id").isNull())
                .toList();
        return new Snapshot(
                types,
                types.stream().filter("result_stored"::equals).count(),
                result.get("status").asText(),
                result.get("stdout").asText(),
                frames);
    }
}
