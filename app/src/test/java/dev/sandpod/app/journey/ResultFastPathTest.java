package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.projections.execution.ResultFastPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Flux;

/**
 * The run's final frame has two ways to a stream (issue 21): the fast path pushes it from the unit of work that
 * stores the result, the executions projection pushes it after reading the events back. The stream must end with
 * one complete result either way — above all when the fast path is switched off in the middle of a run, which
 * stands for every frame it misses.
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
            "sandpod.executions.result-fast-path=true",
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
    void theFastFrameCarriesTheSameResultAsTheReadModelAndComesOnce() {
        ApiSession session = ApiSession.login(port, "user", "user123");
        long sentBefore = fastPath.framesSent();
        String id = session.execute("print('fast')");

        List<JsonNode> frames = session.stream(id, null, STREAM_LIMIT);

        assertThat(frames.stream().filter(f -> f.get("event_type").asText().equals("result_stored")))
                .hasSize(1);
        JsonNode result = frames.get(frames.size() - 1).get("result");
        assertThat(result.get("stdout").asText()).isEqualTo("fast\n");
        assertThat(result.get("status").asText()).isEqualTo("completed");
        assertThat(fastPath.framesSent()).isGreaterThan(sentBefore);
        // What the stream got (from whichever path was first) is what the read model keeps, once it has caught up
        // (the fast frame can come before the executions projection has stored the outcome).
        await().atMost(STREAM_LIMIT)
                .untilAsserted(() -> assertThat(session.get("/api/v1/executions/" + id + "/result")
                                .body())
                        .isEqualTo(result));
    }

    @Test
    void aRunWhoseFastPathIsSwitchedOffMidRunStillEndsThroughTheProjection() {
        ApiSession session = ApiSession.login(port, "user", "user123");
        String id = session.execute("import time\nprint('started', flush=True)\ntime.sleep(2)\nprint('done')");
        Flux<JsonNode> stream = session.frames(id).cache();
        // The run is going (its stream has begun) when the fast path goes away.
        stream.filter(f -> !f.get("event_type").asText().equals("status"))
                .next()
                .block(STREAM_LIMIT);
        fastPath.setEnabled(false);
        long sentBefore = fastPath.framesSent();

        List<JsonNode> frames = stream.collectList().block(STREAM_LIMIT);

        JsonNode last = frames.get(frames.size() - 1);
        assertThat(last.get("event_type").asText()).isEqualTo("result_stored");
        assertThat(last.get("result").get("status").asText()).isEqualTo("completed");
        assertThat(last.get("result").get("stdout").asText()).isEqualTo("started\ndone\n");
        assertThat(fastPath.framesSent()).isEqualTo(sentBefore);
    }
}
