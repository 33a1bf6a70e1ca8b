package dev.sandpod.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.app.SandpodApplication;
import dev.sandpod.app.journey.ApiSession;
import dev.sandpod.embedded.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code /api/v1/health/ready} follows Kafka: the app runs against a broker this test owns
 * (SANDPOD_KAFKA_BOOTSTRAP_SERVERS), the test stops it, and readiness answers 503 naming Kafka within 5 s,
 * then 200 again once the broker is back on the same address and data. (The event-store check is tested in
 * the web module against a real Mongo-wire server that its test stops.)
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
            "sandpod.kafka.bootstrap-servers=127.0.0.1:${sandpod.test.kafka-port}",
        })
class ReadinessTest {

    private static final Path KAFKA_DIR = tempDir();
    private static final int[] PORTS = EmbeddedKafkaBroker.freePorts(2);
    private static volatile EmbeddedKafkaBroker broker = startBroker();

    @LocalServerPort
    int port;

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sandpod-ready-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedKafkaBroker startBroker() {
        System.setProperty("sandpod.test.kafka-port", String.valueOf(PORTS[0]));
        return EmbeddedKafkaBroker.start(KAFKA_DIR, PORTS[0], PORTS[1]);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void stoppingKafkaMakesReadiness503NamingKafkaWithinFiveSecondsAnd200AfterItReturns() {
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ready().status()).isEqualTo(200));

        broker.close();
        broker = null;
        long stopped = System.nanoTime();
        ApiSession.Reply down = ready();
        Duration took = Duration.ofNanos(System.nanoTime() - stopped);
        assertThat(down.status()).isEqualTo(503);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(down.body().get("status").asText()).isEqualTo("not_ready");
        assertThat(down.body().get("checks").get("kafka").asText()).startsWith("down");
        assertThat(down.body().get("checks").get("event_store").asText()).isEqualTo("ok");

        broker = EmbeddedKafkaBroker.start(KAFKA_DIR, PORTS[0], PORTS[1]);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ApiSession.Reply up = ready();
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.body().get("checks").get("kafka").asText()).isEqualTo("ok");
        });
    }

    private ApiSession.Reply ready() {
        return ApiSession.anonymous(port, "GET", "/api/v1/health/ready", null);
    }
}
