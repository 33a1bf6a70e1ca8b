package dev.sandpod.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.app.journey.ApiSession;
import dev.sandpod.embedded.kafka.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Kafka broker between the platform and its runners restarts while 20 runs are in flight: the in-process
 * broker the app embeds by default (closed and started again on its ports and log directory), and an Apache Kafka
 * broker of its own (its JVM killed with SIGKILL and started again). No run is lost, none is recorded twice,
 * completed ones have their whole output, and a user watching each run's stream sees its end.
 */
class BrokerRestartJourneyTest {

    private static final Logger log = LoggerFactory.getLogger(BrokerRestartJourneyTest.class);

    private static final int RUNS = 20;
    private static final int TIMEOUT_SECONDS = 10;

    private ConfigurableApplicationContext app;
    private EmbeddedKafkaBroker embedded;
    private KafkaBrokerProcess external;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (embedded != null) {
            embedded.close();
        }
        if (external != null) {
            external.close();
        }
    }

    @Test
    void theEmbeddedBrokerRestartsDuringTwentyRuns() throws Exception {
        Path kafkaDir = Files.createTempDirectory("sandpod-broker-embedded");
        int[] ports = EmbeddedKafkaBroker.freePorts(2);
        embedded = EmbeddedKafkaBroker.start(kafkaDir, ports[0], ports[1]);
        survivesARestart("embedded broker", embedded.bootstrapServers(), () -> {
            embedded.close();
            embedded = null;
            embedded = EmbeddedKafkaBroker.start(kafkaDir, ports[0], ports[1]);
        });
    }

    @Test
    void anExternalBrokerIsKilledAndRestartedDuringTwentyRuns() throws Exception {
        external = new KafkaBrokerProcess(Files.createTempDirectory("sandpod-broker-external")).start();
        survivesARestart("external broker (kill -9)", external.bootstrapServers(), () -> {
            external.kill9();
            external.start();
        });
    }

    private void survivesARestart(String broker, String bootstrap, Runnable restart) throws Exception {
        app = new SpringApplicationBuilder(SandpodApplication.class)
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-broker-restart"),
                        "--sandpod.kafka.bootstrap-servers=" + bootstrap,
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.rate-limit.enabled=false",
                        "--sandpod.execution.timeout-seconds=" + TIMEOUT_SECONDS,
                        "--sandpod.execution.max-active-per-user=" + RUNS);
        ApiSession user = ApiSession.login(
                Integer.parseInt(app.getEnvironment().getProperty("local.server.port")), "user", "user123");
        InFlightRuns runs = new InFlightRuns(user).submit(RUNS, "broker", false);
        // A user watches every run's live stream through the restart.
        Map<String, CompletableFuture<List<JsonNode>>> streams = new LinkedHashMap<>();
        for (String id : runs.runs().keySet()) {
            streams.put(
                    id,
                    user.frames(id).collectList().timeout(Duration.ofMinutes(5)).toFuture());
        }
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> runs.count("running") >= 3);
        Map<String, String> atRestart = runs.statuses();

        long downAt = System.nanoTime();
        restart.run();
        long upAt = System.nanoTime();
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .until(runs::allTerminal);
        long endedAt = System.nanoTime();

        Map<String, Integer> ended = runs.verify();
        assertThat(ended).as("every run completed, none ended by its backstop").containsOnlyKeys("completed");
        int streamsEnded = 0;
        for (Map.Entry<String, CompletableFuture<List<JsonNode>>> stream : streams.entrySet()) {
            List<JsonNode> frames = stream.getValue().get(2, TimeUnit.MINUTES);
            assertThat(frames).as("stream of " + stream.getKey()).isNotEmpty();
            JsonNode last = frames.get(frames.size() - 1);
            assertThat(last.path("result").path("status").asText())
                    .as("the last frame of the stream of " + stream.getKey())
                    .isEqualTo("completed");
            streamsEnded++;
        }
        log.info(
                "{} restart with {} runs in flight ({} running, {} ended before): the broker was away {} ms; all"
                        + " ended {} ms after it was back; ended as {}; {} of {} streams saw the end; lost 0,"
                        + " duplicated 0",
                broker,
                RUNS,
                atRestart.values().stream().filter("running"::equals).count(),
                atRestart.values().stream()
                        .filter(InFlightRuns.TERMINAL::contains)
                        .count(),
                (upAt - downAt) / 1_000_000,
                (endedAt - upAt) / 1_000_000,
                ended,
                streamsEnded,
                streams.size());
    }
}
