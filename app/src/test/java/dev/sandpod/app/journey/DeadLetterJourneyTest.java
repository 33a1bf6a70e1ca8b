package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.app.SandpodApplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * A projection handler that fails on one execution's event parks that execution's events in the dead-letter
 * queue while every other execution keeps flowing; an admin sees it, retries it after the fix (handled
 * exactly once) or discards it with a reason (recorded as an event).
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false"
        })
@Import(DeadLetterJourneyTest.PoisonConfiguration.class)
class DeadLetterJourneyTest {

    @Autowired
    MeterRegistry meters;

    /** A test-only handler in the executions projection that fails, while broken, on scripts marked POISON. */
    @ProcessingGroup("executions")
    static class PoisonedScripts {
        volatile boolean broken = true;
        final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

        @EventHandler
        void on(ExecutionRequestedEvent event, EventMessage<?> message) {
            if (broken && event.script().contains("POISON")) {
                throw new IllegalStateException("poisoned script in " + event.executionId());
            }
            handled.computeIfAbsent(message.getIdentifier(), id -> new AtomicInteger())
                    .incrementAndGet();
        }
    }

    @TestConfiguration
    static class PoisonConfiguration {
        @Bean
        PoisonedScripts poisonedScripts() {
            return new PoisonedScripts();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    PoisonedScripts poison;

    @Autowired
    MongoTemplate mongo;

    @Test
    void aPoisonEventParksOnlyItsExecutionAndIsRetriedOrDiscarded() {
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        ApiSession user =
                ApiSession.register(port, "d" + UUID.randomUUID().toString().substring(0, 8));

        String poisoned = user.execute("print('POISON one')");
        List<String> healthy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            healthy.add(user.execute("print('healthy " + i + "')"));
        }
        // The other executions flow through the same processor to their results.
        for (String id : healthy) {
            assertThat(user.awaitResult(id).get("status").asText()).isEqualTo("completed");
        }

        String[] letterId = new String[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode list =
                    admin.get("/api/v1/dlq/messages?processor=executions").body();
            List<JsonNode> ofPoisoned = new ArrayList<>();
            list.get("messages").forEach(m -> {
                if (poisoned.equals(m.get("aggregate_id").asText())) {
                    ofPoisoned.add(m);
                }
            });
            // its request failed; the rest of its events (queued … result stored) wait behind it, in order
            assertThat(ofPoisoned).hasSizeGreaterThanOrEqualTo(3);
            assertThat(ofPoisoned.get(0).get("event_type").asText()).isEqualTo("execution_requested");
            assertThat(list.get("messages").findValuesAsText("aggregate_id")).doesNotContainAnyElementsOf(healthy);
            letterId[0] = ofPoisoned.get(0).get("id").asText();
        });
        JsonNode letter = admin.get("/api/v1/dlq/messages/" + letterId[0]).body();
        assertThat(letter.get("error_message").asText()).contains("poisoned script in " + poisoned);
        assertThat(letter.get("error_type").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.get("attempts").asLong()).isEqualTo(1);
        assertThat(letter.get("payload").get("script").asText()).isEqualTo("print('POISON one')");
        assertThat(admin.get("/api/v1/dlq/messages?event_type=execution_requested")
                        .body()
                        .get("total")
                        .asInt())
                .isEqualTo(1);
        assertThat(admin.get("/api/v1/dlq/messages?min_age_seconds=3600")
                        .body()
                        .get("total")
                        .asInt())
                .isZero();
        JsonNode stats = admin.get("/api/v1/dlq/stats").body();
        assertThat(stats.get("by_processor").get("executions").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(stats.get("sequences").asLong()).isEqualTo(1);
        JsonNode executions = admin.get("/api/v1/admin/projections/executions").body();
        assertThat(executions.get("dead_letters").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(executions.get("state").asText()).isNotEqualTo("error");
        // and for Prometheus, per processor
        assertThat(deadLettersMetric(admin, "executions"))
                .isEqualTo(executions.get("dead_letters").asDouble())
                .isGreaterThanOrEqualTo(3);
        assertThat(deadLettersMetric(admin, "users")).isZero();
        assertThat(user.get("/api/v1/dlq/messages").status()).isEqualTo(403);
        assertThat(user.get("/api/v1/dlq/stats").status()).isEqualTo(403);

        // Still broken: the retry fails, the sequence stays parked with one more attempt.
        JsonNode failed = admin.post("/api/v1/dlq/messages/" + letterId[0] + "/retry", null)
                .body();
        assertThat(failed.get("succeeded").asInt()).isZero();
        assertThat(admin.get("/api/v1/dlq/messages/" + letterId[0])
                        .body()
                        .get("attempts")
                        .asLong())
                .isEqualTo(2);

        // Fixed: the retry handles the whole sequence, the poisoned event exactly once.
        poison.broken = false;
        JsonNode retried = admin.post("/api/v1/dlq/messages/" + letterId[0] + "/retry", null)
                .body();
        assertThat(retried.get("succeeded").asInt()).isEqualTo(1);
        String eventId = letterId[0].substring("executions:".length());
        assertThat(poison.handled.get(eventId)).hasValue(1);
        assertThat(admin.get("/api/v1/dlq/messages?processor=executions")
                        .body()
                        .get("total")
                        .asInt())
                .isZero();
        assertThat(user.awaitResult(poisoned).get("stdout").asText()).isEqualTo("POISON one\n");
        assertThat(deadLettersMetric(admin, "executions")).isZero();

        // Discard: parked again for another execution, then dropped with a reason that is recorded.
        poison.broken = true;
        String second = user.execute("print('POISON two')");
        String[] secondId = new String[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode list = admin.get("/api/v1/dlq/messages?event_type=execution_requested")
                    .body();
            assertThat(list.get("total").asInt()).isEqualTo(1);
            assertThat(list.get("messages").get(0).get("aggregate_id").asText()).isEqualTo(second);
            secondId[0] = list.get("messages").get(0).get("id").asText();
        });
        assertThat(admin.post("/api/v1/dlq/messages/" + secondId[0] + "/discard", Map.of())
                        .status())
                .isEqualTo(422);
        ApiSession.Reply discarded =
                admin.post("/api/v1/dlq/messages/" + secondId[0] + "/discard", Map.of("reason", "bad test data"));
        assertThat(discarded.status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/dlq/messages/" + secondId[0]).status()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> mongo.getCollection("domainevents")
                                .countDocuments(Filters.regex("payloadType", "DeadLetterDiscardedEvent"))
                        == 1);
        assertThat(mongo.getCollection("domainevents")
                        .find(Filters.regex("payloadType", "DeadLetterDiscardedEvent"))
                        .first()
                        .get("serializedPayload")
                        .toString())
                .contains("bad test data")
                .contains(second);
        assertThat(admin.post("/api/v1/dlq/messages/nope:nothing/retry", null).status())
                .isEqualTo(404);
    }

    /**
     * The processor's {@code sandpod.processor.dead.letters} gauge ({@code sandpod_processor_dead_letters} in
     * the Prometheus scrape; this test's context does not export, so it reads the registry the scrape reads).
     */
    private double deadLettersMetric(ApiSession admin, String processor) {
        return meters.get("sandpod.processor.dead.letters")
                .tag("processor", processor)
                .gauge()
                .value();
    }
}
