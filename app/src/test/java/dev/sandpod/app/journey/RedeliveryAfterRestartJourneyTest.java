package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A run request redelivered after the executor restarted (an outbox publishing again after a crash, a consumer
 * that had not committed) is not run a second time: the executor's memory of the requests it took on survives the
 * restart, in Kafka, the only thing an executor-only instance has (docs/architecture.md, Reliability).
 */
class RedeliveryAfterRestartJourneyTest {

    private ConfigurableApplicationContext app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return AppOnDataDir.start(dataDir, AppOnDataDir.RATE_LIMITS_OFF);
    }

    private static ApiSession user(ConfigurableApplicationContext context) {
        return ApiSession.login(AppOnDataDir.port(context), "user", "user123");
    }

    private static TopicProbe topics(ConfigurableApplicationContext context) {
        return new TopicProbe(context.getEnvironment().getProperty("spring.kafka.bootstrap-servers"));
    }

    @Test
    void aRunRequestRedeliveredAfterARestartRunsNothingAgain() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-redelivery-restart");
        app = start(dataDir);
        ApiSession before = user(app);
        String id = before.execute("print('once only, even across a restart')");
        assertThat(before.awaitResult(id).get("status").asText()).isEqualTo("completed");
        ConsumerRecord<String, byte[]> original = topics(app).runRequest(id);

        app.close();
        app = start(dataDir);
        ApiSession after = user(app);
        RedeliveryJourneyTest.Snapshot snapshot = RedeliveryJourneyTest.snapshot(after, id);
        TopicProbe topics = topics(app);
        topics.redeliverAndAwaitConsumed(original, TopicProbe.EXECUTOR_GROUP);
        // A run started after the duplicate was taken ends after anything the duplicate would have started.
        String later = after.execute("print('later')");
        assertThat(after.awaitResult(later).get("status").asText()).isEqualTo("completed");

        assertThat(RedeliveryJourneyTest.snapshot(after, id)).isEqualTo(snapshot);
        assertThat(topics.runsStarted(id)).as("runs started for the execution").isEqualTo(1);
    }
}
