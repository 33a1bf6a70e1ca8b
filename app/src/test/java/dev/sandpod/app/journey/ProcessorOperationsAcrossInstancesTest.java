package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * Two instances on one store (the second uses the first's Mongo-wire server and Kafka broker, as two pods
 * share a MongoDB and a Kafka cluster): a pause asked of one holds on both, a resume asked of the other
 * starts both again, and a rebuild started on one shows its progress and end on the other.
 */
class ProcessorOperationsAcrossInstancesTest {

    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void start() throws Exception {
        first = new SpringApplicationBuilder(SandpodApplication.class)
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-ops-first"),
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.rate-limit.enabled=false");
        Environment env = first.getEnvironment();
        second = new SpringApplicationBuilder(SandpodApplication.class, SecondOwner.class)
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-ops-second"),
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.rate-limit.enabled=false",
                        "--sandpod.mongodb.uri=" + env.getProperty("spring.data.mongodb.uri"),
                        "--spring.data.mongodb.database=" + env.getProperty("spring.data.mongodb.database"),
                        "--sandpod.kafka.bootstrap-servers=" + env.getProperty("spring.kafka.bootstrap-servers"),
                        // the first instance created JobRunr's collections
                        "--jobrunr.database.skip-create=true");
    }

    /**
     * Axon names a token's owner after the JVM ({@code pid@host}); two instances in one test JVM would both
     * think they own every segment, so the second gets a name of its own, as a second pod has.
     */
    @Configuration(proxyBeanMethods = false)
    static class SecondOwner {
        @Bean
        @Primary
        TokenStore secondInstanceTokenStore(MongoTemplate axonMongoTemplate, Serializer serializer) {
            return MongoTokenStore.builder()
                    .mongoTemplate(axonMongoTemplate)
                    .serializer(serializer)
                    .nodeId("second-instance")
                    .build();
        }
    }

    @AfterAll
    static void stop() {
        // the second first: it uses the first one's stores
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {second, first}) {
            if (context != null) {
                context.close();
            }
        }
    }

    private static int portOf(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static StreamingEventProcessor executions(ConfigurableApplicationContext context) {
        return context.getBean(EventProcessingConfiguration.class)
                .eventProcessor("executions", StreamingEventProcessor.class)
                .orElseThrow();
    }

    /**
     * The run's stored result, read until it is there: the live stream relays the frames of the instance whose
     * projection stored them, which need not be the one the user is connected to.
     */
    private static JsonNode awaitStored(ApiSession user, String id) {
        JsonNode[] result = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ApiSession.Reply reply = user.get("/api/v1/executions/" + id + "/result");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("status").asText()).isEqualTo("completed");
            result[0] = reply.body();
        });
        return result[0];
    }

    @Test
    void pauseResumeAndRebuildHoldOnEveryInstance() {
        ApiSession onFirst = ApiSession.login(portOf(first), "admin", "admin123");
        ApiSession onSecond = ApiSession.login(portOf(second), "admin", "admin123");
        ApiSession user = ApiSession.register(
                portOf(second), "m" + UUID.randomUUID().toString().substring(0, 8));
        awaitStored(user, user.execute("print('before')"));

        // Both instances run the projection and share its segments.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(executions(first).isRunning()).isTrue();
            assertThat(executions(second).isRunning()).isTrue();
            JsonNode view = onSecond.get("/api/v1/admin/projections/executions").body();
            assertThat(view.get("state").asText()).isEqualTo("caught_up");
        });

        // Paused on the first: the second stops too and releases its segments.
        assertThat(onFirst.post("/api/v1/admin/projections/executions/pause", null)
                        .status())
                .isEqualTo(200);
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(executions(second).isRunning()).isFalse();
                assertThat(executions(first).isRunning()).isFalse();
                JsonNode view =
                        onSecond.get("/api/v1/admin/projections/executions").body();
                assertThat(view.get("state").asText()).isEqualTo("paused");
                assertThat(view.get("segments"))
                        .allSatisfy(segment ->
                                assertThat(segment.get("owner").isNull()).isTrue());
            });
            // A run on the second goes on; its read model waits on both instances.
            String id = user.execute("print('while paused')");
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(onFirst.get("/api/v1/admin/projections/executions")
                                    .body()
                                    .get("lag")
                                    .asLong())
                            .isGreaterThanOrEqualTo(2));
            assertThat(executions(second).isRunning()).isFalse();
            assertThat(executions(first).isRunning()).isFalse();

            // Resumed on the second: both run again and the run's result arrives.
            assertThat(onSecond.post("/api/v1/admin/projections/executions/resume", null)
                            .status())
                    .isEqualTo(200);
            assertThat(awaitStored(user, id).get("stdout").asText()).isEqualTo("while paused\n");
        } finally {
            onSecond.post("/api/v1/admin/projections/executions/resume", null);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(executions(first).isRunning()).isTrue();
            assertThat(executions(second).isRunning()).isTrue();
            assertThat(onFirst.get("/api/v1/admin/projections/executions")
                            .body()
                            .get("state")
                            .asText())
                    .isEqualTo("caught_up");
        });

        // A rebuild started on the first is seen, and ends, on the second.
        ApiSession.Reply started = onFirst.exchange("POST", "/api/v1/admin/projections/executions/replay", null, true);
        assertThat(started.status()).isEqualTo(202);
        String startedAt = started.body().get("replay").get("started_at").asText();
        long target = started.body().get("replay").get("target").asLong();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode replay =
                    onSecond.get("/api/v1/admin/projections/executions").body().get("replay");
            assertThat(replay.isNull()).isFalse();
            assertThat(replay.get("started_at").asText()).isEqualTo(startedAt);
            assertThat(replay.get("target").asLong()).isEqualTo(target);
            assertThat(replay.get("status").asText()).isEqualTo("finished");
            assertThat(replay.get("progress_percent").asDouble()).isEqualTo(100.0);
        });
        // and both instances run the rebuilt projection again
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(executions(first).isRunning()).isTrue();
            assertThat(executions(second).isRunning()).isTrue();
            assertThat(onSecond.get("/api/v1/admin/projections/executions")
                            .body()
                            .get("state")
                            .asText())
                    .isEqualTo("caught_up");
        });
    }
}
