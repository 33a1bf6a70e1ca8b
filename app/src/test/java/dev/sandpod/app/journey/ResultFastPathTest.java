package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.projections.execution.ResultFastPath;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Flux;

/**
 * A run's lifecycle frames have two ways to a stream (issue 21): the fast path pushes each one from the unit of work
 * that stores its event, the executions projection pushes it after reading the events back. The stream must carry
 * them in the order of the run's events and end with one complete result either way — above all when the fast path
 * is switched off in the middle of a run, which stands for every frame it misses (the projection must then deliver
 * the rest, in order, without a frame of the fast path overtaking them).
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
        })
class ResultFastPathTest {

    private static final Duration STREAM_LIMIT = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    @Autowired
    ResultFastPath fastPath;

    @AfterEach
    void switchBackOn() {
        fastPath.setEnabled(true);
    }

    @Test
    void theFastPathIsOnByDefaultAndItsFramesComeOnceInTheOrderOfTheRunsEvents() {
        ApiSession session = ApiSession.login(port, "user", "user123");
        long finalBefore = fastPath.finalFramesSent();
        String id = session.execute("print('fast')");

        List<JsonNode> frames = session.stream(id, null, STREAM_LIMIT);

        assertThat(frames.stream().filter(f -> f.get("event_type").asText().equals("result_stored")))
                .hasSize(1);
        JsonNode result = frames.get(frames.size() - 1).get("result");
        assertThat(result.get("stdout").asText()).isEqualTo("fast\n");
        assertThat(result.get("status").asText()).isEqualTo("completed");
        assertThat(fastPath.finalFramesSent()).isGreaterThan(finalBefore);
        assertInTheOrderOfTheRunsEvents(session, id, frames);
        assertThat(types(frames)).containsSubsequence("execution_completed", "result_stored");
        // What the stream got (from whichever path was first) is what the read model keeps, once it has caught up
        // (the fast frame can come before the executions projection has stored the outcome); only updated_at may
        // differ by the few milliseconds between an event's creation and its commit.
        await().atMost(STREAM_LIMIT).untilAsserted(() -> {
            JsonNode stored =
                    session.get("/api/v1/executions/" + id + "/result").body();
            assertThat(withoutUpdatedAt(stored)).isEqualTo(withoutUpdatedAt(result));
        });
    }

    @Test
    void aRunWhoseFastPathIsSwitchedOffMidRunStillEndsThroughTheProjectionWithEveryFrameInOrder() {
        ApiSession session = ApiSession.login(port, "user", "user123");
        String id = session.execute("import time\nprint('started', flush=True)\ntime.sleep(2)\nprint('done')");
        Flux<JsonNode> stream = session.frames(id).cache();
        // The run is going (its stream has a lifecycle frame) when the fast path goes away.
        stream.filter(f -> !f.get("event_type").asText().equals("status")
                        && !f.get("event_type").asText().equals("output"))
                .next()
                .block(STREAM_LIMIT);
        fastPath.setEnabled(false);
        long sentBefore = fastPath.framesSent();

        List<JsonNode> frames = stream.collectList().block(STREAM_LIMIT);

        JsonNode last = frames.get(frames.size() - 1);
        assertThat(last.get("event_type").asText()).isEqualTo("result_stored");
        assertThat(last.get("result").get("status").asText()).isEqualTo("completed");
        assertThat(last.get("result").get("stdout").asText()).isEqualTo("started\ndone\n");
        assertThat(types(frames)).containsSubsequence("execution_completed", "result_stored");
        assertThat(fastPath.framesSent()).isEqualTo(sentBefore);
        assertInTheOrderOfTheRunsEvents(session, id, frames);
    }

    /** The stream's lifecycle frames are distinct events of the run, in the order the run's history has them. */
    private static void assertInTheOrderOfTheRunsEvents(ApiSession session, String id, List<JsonNode> frames) {
        JsonNode history = session.get("/api/v1/executions/" + id + "/events").body();
        List<String> order = StreamSupport.stream(history.spliterator(), false)
                .map(e -> e.get("event_id").asText())
                .toList();
        List<String> sent = frames.stream()
                .map(f -> f.get("event_id"))
                .filter(e -> e != null && !e.isNull())
                .map(JsonNode::asText)
                .toList();
        assertThat(sent).doesNotHaveDuplicates();
        assertThat(order).containsSubsequence(sent);
    }

    private static List<String> types(List<JsonNode> frames) {
        return frames.stream().map(f -> f.get("event_type").asText()).toList();
    }

    private static JsonNode withoutUpdatedAt(JsonNode result) {
        com.fasterxml.jackson.databind.node.ObjectNode copy =
                (com.fasterxml.jackson.databind.node.ObjectNode) result.deepCopy();
        copy.remove("updated_at");
        return copy;
    }
}
