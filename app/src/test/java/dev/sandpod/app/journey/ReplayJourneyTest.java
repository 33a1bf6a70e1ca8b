package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.kafka.Topics;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.projections.eventindex.EventIndexCounters;
import dev.sandpod.projections.eventindex.EventIndexDocument;
import dev.sandpod.projections.eventindex.EventIndexProjection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.kafka.core.KafkaAdmin;
import reactor.core.Disposable;

/**
 * Replay sessions through HTTP: a session of 1 000 events to a Kafka topic (complete, in order, paused and
 * resumed, progress over SSE), a replay of real executions that changes nothing and sends nothing else, the
 * file and test targets, the admin dry run, cleanup, and the refusals.
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // The same properties in every user-domain journey test: they share one application context.
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
            "sandpod.notifications.throttle.enabled=false",
            "sandpod.notifications.allow-insecure-localhost=true",
            "sandpod.notifications.webhook-secret=journey-webhook-secret",
            "sandpod.notifications.grafana-secret=journey-grafana-secret",
            "sandpod.notifications.delivery.initial-backoff=500ms",
            "sandpod.notifications.delivery.max-attempts=4",
            "sandpod.user-settings.snapshot-threshold=3",
            "sandpod.execution.timeout-seconds=3",
        })
class ReplayJourneyTest {

    @LocalServerPort
    int port;

    @Autowired
    MongoTemplate mongo;

    @Autowired
    KafkaAdmin kafkaAdmin;

    /**
     * Lays down {@code count} event-index entries of one aggregate, made by the projection's own
     * {@code document(..)} from real event messages, a millisecond apart (replays read the index).
     */
    private String seed(int count) {
        String aggregate = "replay-" + UUID.randomUUID();
        String user = UUID.randomUUID().toString();
        Instant start = Instant.now().minusSeconds(7200);
        List<EventIndexDocument> docs = new ArrayList<>();
        for (int seq = 0; seq < count; seq++) {
            var message = new GenericDomainEventMessage<>(
                    "Execution",
                    aggregate,
                    seq,
                    new ExecutionQueuedEvent(aggregate, user, Priority.NORMAL),
                    MetaData.from(Map.of("userId", user)),
                    UUID.randomUUID().toString(),
                    start.plusMillis(seq));
            docs.add(EventIndexProjection.document(message, user));
        }
        mongo.insert(docs, EventIndexDocument.class);
        EventIndexCounters.addAll(mongo, docs); // as the projection counts each event it indexes
        return aggregate;
    }

    private ApiSession admin() {
        return ApiSession.login(port, "admin", "admin123");
    }

    private JsonNode session(ApiSession admin, String id) {
        ApiSession.Reply reply = admin.get("/api/v1/replay/sessions/" + id);
        assertThat(reply.status()).isEqualTo(200);
        return reply.body();
    }

    private List<JsonNode> statusFrames(ApiSession admin, String sessionId, List<JsonNode> into) {
        Disposable stream = ApiSession.clientFor(port)
                .get()
                .uri("/api/v1/admin/events/replay/" + sessionId + "/status")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .cookie("access_token", admin.accessToken())
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
                .filter(event -> event.data() != null)
                .map(event -> ApiSession.parse(event.data()))
                .subscribe(into::add);
        return into;
    }

    @Test
    void aSessionOf1000EventsArrivesOnItsTopicCompleteAndInOrderPausedResumedWithProgressOverSse() throws Exception {
        String aggregate = seed(1000);
        String topic = "sandpod.replay.journey-" + UUID.randomUUID();
        ApiSession admin = admin();
        long eventsBefore = mongo.getCollection("domainevents").countDocuments();
        Map<TopicPartition, Long> runRequestsBefore = endOffsets(Topics.RUN_REQUESTS);

        ApiSession.Reply created = admin.post(
                "/api/v1/replay/sessions",
                Map.of(
                        "replay_type",
                        "query",
                        "target",
                        "kafka",
                        "filter",
                        Map.of("aggregate_id", aggregate),
                        "target_topics",
                        Map.of("*", topic),
                        "speed_multiplier",
                        2.0,
                        "batch_size",
                        50));
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().get("status").asText()).isEqualTo("created");
        String id = created.body().get("session_id").asText();
        JsonNode stored = session(admin, id);
        assertThat(stored.get("total_events").asLong()).isEqualTo(1000);
        assertThat(stored.get("config").get("target_topics").get("*").asText()).isEqualTo(topic);
        assertThat(stored.get("config").get("filter").get("aggregate_id").asText())
                .isEqualTo(aggregate);

        List<JsonNode> frames = statusFrames(admin, id, new CopyOnWriteArrayList<>());
        assertThat(admin.post("/api/v1/replay/sessions/" + id + "/start", null)
                        .body()
                        .get("status")
                        .asText())
                .isEqualTo("running");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> session(admin, id).get("replayed_events").asLong() >= 100);
        ApiSession.Reply paused = admin.post("/api/v1/replay/sessions/" + id + "/pause", null);
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.body().get("status").asText()).isEqualTo("paused");
        // once paused, the count stops moving, short of the total
        long[] atPause = {-1};
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    long now = session(admin, id).get("replayed_events").asLong();
                    boolean still = now == atPause[0];
                    atPause[0] = now;
                    return still;
                });
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> session(admin, id).get("replayed_events").asLong() == atPause[0]);
        assertThat(atPause[0]).isBetween(100L, 999L);
        assertThat(admin.post("/api/v1/replay/sessions/" + id + "/pause", null).status())
                .isEqualTo(409);

        assertThat(admin.post("/api/v1/replay/sessions/" + id + "/resume", null)
                        .body()
                        .get("status")
                        .asText())
                .isEqualTo("running");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> session(admin, id).get("status").asText().equals("completed"));
        JsonNode done = session(admin, id);
        assertThat(done.get("replayed_events").asLong()).isEqualTo(1000);
        assertThat(done.get("failed_events").asLong()).isZero();
        assertThat(done.get("progress_percentage").asDouble()).isEqualTo(100.0);

        // progress frames over SSE: running with partial progress, paused, and the last one completed
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !frames.isEmpty()
                        && frames.get(frames.size() - 1).get("status").asText().equals("completed"));
        assertThat(frames).anySatisfy(f -> {
            assertThat(f.get("status").asText()).isEqualTo("running");
            assertThat(f.get("progress_percentage").asDouble()).isStrictlyBetween(0.0, 100.0);
        });
        assertThat(frames).anySatisfy(f -> assertThat(f.get("status").asText()).isEqualTo("paused"));
        JsonNode last = frames.get(frames.size() - 1);
        assertThat(last.get("progress_percentage").asDouble()).isEqualTo(100.0);
        assertThat(last.get("replay_id").asText()).isEqualTo(id);
        assertThat(last.get("execution_results").isNull()).isTrue();

        // the topic holds all 1000 copies, once each, in the stored order, marked replayed
        List<ConsumerRecord<String, byte[]>> records = consume(topic, 1000);
        assertThat(records).hasSize(1000);
        for (int i = 0; i < records.size(); i++) {
            JsonNode copy = ApiSession.parse(new String(records.get(i).value(), StandardCharsets.UTF_8));
            assertThat(copy.get("replayed").asBoolean()).isTrue();
            assertThat(copy.get("replay_session_id").asText()).isEqualTo(id);
            assertThat(copy.get("aggregate_id").asText()).isEqualTo(aggregate);
            assertThat(copy.get("sequence_number").asInt()).as("copy %d", i).isEqualTo(i);
            assertThat(new String(
                            records.get(i)
                                    .headers()
                                    .lastHeader("sandpod-replayed")
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo("true");
        }

        // and nothing else happened: no new stored event, no run request
        assertThat(mongo.getCollection("domainevents").countDocuments()).isEqualTo(eventsBefore);
        assertThat(endOffsets(Topics.RUN_REQUESTS)).isEqualTo(runRequestsBefore);
        assertThat(admin.post("/api/v1/replay/sessions/" + id + "/resume", null).status())
                .isEqualTo(409);
        assertThat(admin.post("/api/v1/replay/sessions/" + id + "/cancel", null).status())
                .isEqualTo(409);
    }

    @Test
    void replayingRealRunsSendsOnlyCopiesNoRunNotificationWebhookOrNewEvent() throws Exception {
        ApiSession user = ApiSession.register(
                port, "replay-" + UUID.randomUUID().toString().substring(0, 8));
        Instant since = Instant.now().minusSeconds(1);
        List<String> runs = List.of(user.execute("print('one')"), user.execute("print('two')"));
        for (String run : runs) {
            user.awaitResult(run);
        }
        ApiSession admin = admin();
        // the index has caught up with both runs' streams
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String run : runs) {
                JsonNode dry = admin.post("/api/v1/admin/events/replay", Map.of("aggregate_id", run))
                        .body();
                assertThat(dry.get("events_preview")
                                .get(dry.get("events_preview").size() - 1)
                                .get("event_type")
                                .asText())
                        .isEqualTo("result_stored");
            }
        });
        // what the runs cause afterwards (their notifications and deliveries) has settled
        long[] stored = {-1};
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(1500))
                .until(() -> {
                    long now = mongo.getCollection("domainevents").countDocuments();
                    boolean settled = now == stored[0];
                    stored[0] = now;
                    return settled;
                });
        long eventsBefore = mongo.getCollection("domainevents").countDocuments();
        long notificationsBefore = mongo.getCollection("notifications").countDocuments();
        Map<Object, Document> executionsBefore = snapshot("executions");
        Map<TopicPartition, Long> runRequestsBefore = endOffsets(Topics.RUN_REQUESTS);
        List<ServerSentEvent<String>> notificationFrames = new CopyOnWriteArrayList<>();
        Disposable notifications =
                user.notificationEvents().filter(event -> event.data() != null).subscribe(notificationFrames::add);

        // the admin dry run: a count and a preview, no session
        JsonNode dry = admin.post("/api/v1/admin/events/replay", Map.of("aggregate_id", runs.get(0), "dry_run", true))
                .body();
        assertThat(dry.get("dry_run").asBoolean()).isTrue();
        assertThat(dry.get("status").asText()).isEqualTo("preview");
        assertThat(dry.get("session_id").isNull()).isTrue();
        assertThat(dry.get("events_preview").get(0).get("event_type").asText()).isEqualTo("execution_requested");
        long perRun = dry.get("total_events").asLong();
        assertThat(dry.get("events_preview")).hasSize((int) perRun);

        // a real replay of everything since the runs were asked for (both runs' streams, their notifications)
        String topic = "sandpod.replay.real-" + UUID.randomUUID();
        ApiSession.Reply started = admin.post(
                "/api/v1/replay/sessions",
                Map.of(
                        "replay_type",
                        "time_range",
                        "filter",
                        Map.of("start_time", since.toString(), "user_id", userIdOf(user)),
                        "target_topics",
                        Map.of("*", topic),
                        "speed_multiplier",
                        100.0));
        String id = started.body().get("session_id").asText();
        admin.post("/api/v1/replay/sessions/" + id + "/start", null);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> session(admin, id).get("status").asText().equals("completed"));
        long total = session(admin, id).get("total_events").asLong();
        assertThat(total).isGreaterThanOrEqualTo(2 * perRun);
        List<ConsumerRecord<String, byte[]>> copies = consume(topic, (int) total);
        assertThat(copies).hasSize((int) total);
        assertThat(copies.stream()
                        .map(r -> ApiSession.parse(new String(r.value(), StandardCharsets.UTF_8))
                                .get("event_type")
                                .asText())
                        .collect(Collectors.toSet()))
                .contains("execution_requested", "execution_scheduled", "result_stored");

        // a second one through the admin endpoint, started at once
        JsonNode sent = admin.post(
                        "/api/v1/admin/events/replay",
                        Map.of("aggregate_id", runs.get(1), "dry_run", false, "target_service", topic))
                .body();
        assertThat(sent.get("dry_run").asBoolean()).isFalse();
        assertThat(sent.get("session_id").asText())
                .isEqualTo(sent.get("replay_id").asText());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> session(admin, sent.get("session_id").asText())
                        .get("status")
                        .asText()
                        .equals("completed"));
        assertThat(consume(topic, (int) (total + perRun))).hasSize((int) (total + perRun));

        // nothing ran, nothing was notified or delivered, no read model moved, no event was stored
        assertThat(mongo.getCollection("domainevents").countDocuments()).isEqualTo(eventsBefore);
        assertThat(mongo.getCollection("notifications").countDocuments()).isEqualTo(notificationsBefore);
        assertThat(snapshot("executions")).isEqualTo(executionsBefore);
        assertThat(endOffsets(Topics.RUN_REQUESTS)).isEqualTo(runRequestsBefore);
        assertThat(notificationFrames).isEmpty();
        notifications.dispose();
    }

    @Test
    void aFileSessionWritesADownloadableFileAndATestSessionOnlyCounts() {
        String aggregate = seed(30);
        ApiSession admin = admin();
        String file = admin.post(
                        "/api/v1/replay/sessions",
                        Map.of(
                                "replay_type",
                                "query",
                                "target",
                                "file",
                                "target_file_path",
                                "journey-" + UUID.randomUUID() + ".jsonl",
                                "filter",
                                Map.of("aggregate_id", aggregate),
                                "speed_multiplier",
                                100.0))
                .body()
                .get("session_id")
                .asText();
        admin.post("/api/v1/replay/sessions/" + file + "/start", null);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> session(admin, file).get("status").asText().equals("completed"));
        JsonNode done = session(admin, file);
        assertThat(done.get("download_url").asText()).isEqualTo("/api/v1/replay/sessions/" + file + "/file");
        String body = ApiSession.clientFor(port)
                .get()
                .uri("/api/v1/replay/sessions/" + file + "/file")
                .cookie("access_token", admin.accessToken())
                .retrieve()
                .bodyToMono(String.class)
                .block(Duration.ofSeconds(10));
        List<String> lines = body.lines().toList();
        assertThat(lines).hasSize(30);
        assertThat(ApiSession.parse(lines.get(29)).get("sequence_number").asInt())
                .isEqualTo(29);

        String counted = admin.post(
                        "/api/v1/replay/sessions",
                        Map.of(
                                "replay_type",
                                "event_type",
                                "target",
                                "test",
                                "filter",
                                Map.of("aggregate_id", aggregate, "event_types", List.of("execution_queued")),
                                "max_events",
                                10,
                                "speed_multiplier",
                                100.0))
                .body()
                .get("session_id")
                .asText();
        assertThat(session(admin, counted).get("total_events").asLong()).isEqualTo(10);
        admin.post("/api/v1/replay/sessions/" + counted + "/start", null);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> session(admin, counted).get("status").asText().equals("completed"));
        assertThat(session(admin, counted).get("replayed_events").asLong()).isEqualTo(10);
        assertThat(session(admin, counted).has("download_url")).isTrue();
        assertThat(session(admin, counted).get("download_url").isNull()).isTrue();

        List<JsonNode> listed = new ArrayList<>();
        admin.get("/api/v1/replay/sessions?status=completed&limit=1000").body().forEach(listed::add);
        assertThat(listed).anySatisfy(s -> {
            assertThat(s.get("session_id").asText()).isEqualTo(counted);
            assertThat(s.get("config").get("target").asText()).isEqualTo("test");
            assertThat(s.get("duration_seconds").asDouble()).isGreaterThanOrEqualTo(0.0);
        });
        assertThat(listed).allSatisfy(s -> assertThat(s.get("status").asText()).isEqualTo("completed"));
    }

    @Test
    void preservedTimestampsGiveTheCopiesTheOriginalTimeOnTheirTopic() {
        String aggregate = seed(5);
        String topic = "sandpod.replay.times-" + UUID.randomUUID();
        ApiSession admin = admin();
        String id = admin.post(
                        "/api/v1/replay/sessions",
                        Map.of(
                                "replay_type",
                                "query",
                                "filter",
                                Map.of("aggregate_id", aggregate),
                                "target_topics",
                                Map.of("execution_queued", topic),
                                "preserve_timestamps",
                                true,
                                "speed_multiplier",
                                100.0))
                .body()
                .get("session_id")
                .asText();
        admin.post("/api/v1/replay/sessions/" + id + "/start", null);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> session(admin, id).get("status").asText().equals("completed"));
        List<ConsumerRecord<String, byte[]>> records = consume(topic, 5);
        assertThat(records).hasSize(5);
        for (ConsumerRecord<String, byte[]> record : records) {
            JsonNode copy = ApiSession.parse(new String(record.value(), StandardCharsets.UTF_8));
            assertThat(record.timestamp())
                    .isEqualTo(Instant.parse(copy.get("timestamp").asText()).toEpochMilli());
        }
        assertThat(session(admin, id).get("config").get("preserve_timestamps").asBoolean())
                .isTrue();
    }

    @Test
    void cancelStopsASessionAndCleanupRemovesOldFinishedOnes() {
        String aggregate = seed(200);
        ApiSession admin = admin();
        String id = admin.post(
                        "/api/v1/replay/sessions",
                        Map.of(
                                "replay_type",
                                "query",
                                "target",
                                "test",
                                "filter",
                                Map.of("aggregate_id", aggregate),
                                "speed_multiplier",
                                0.5))
                .body()
                .get("session_id")
                .asText();
        assertThat(admin.post("/api/v1/replay/sessions/" + id + "/pause", null).status())
                .isEqualTo(409);
        admin.post("/api/v1/replay/sessions/" + id + "/start", null);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> session(admin, id).get("replayed_events").asLong() > 0);
        assertThat(admin.post("/api/v1/replay/sessions/" + id + "/cancel", null)
                        .body()
                        .get("status")
                        .asText())
                .isEqualTo("cancelled");
        await().during(Duration.ofMillis(800))
                .atMost(Duration.ofSeconds(3))
                .until(() -> session(admin, id).get("status").asText().equals("cancelled"));
        assertThat(session(admin, id).get("replayed_events").asLong()).isLessThan(200);

        // an old finished session goes, a fresh one stays
        String old = UUID.randomUUID().toString();
        mongo.getCollection("replay_sessions")
                .insertOne(new Document("_id", old)
                        .append("replayType", "query")
                        .append("target", "test")
                        .append("status", "completed")
                        .append("createdAt", java.util.Date.from(Instant.now().minus(Duration.ofHours(30)))));
        JsonNode cleaned =
                admin.post("/api/v1/replay/cleanup?older_than_hours=24", null).body();
        assertThat(cleaned.get("removed_sessions").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(admin.get("/api/v1/replay/sessions/" + old).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/replay/sessions/" + id).status()).isEqualTo(200);
    }

    @Test
    void badRequestsAndOtherCallersAreRefusedClearly() {
        ApiSession admin = admin();
        ApiSession user = ApiSession.register(
                port, "replay-no-" + UUID.randomUUID().toString().substring(0, 8));
        Map<String, Object> ok = Map.of("replay_type", "query", "target", "test");

        ApiSession.Reply forbidden = user.post("/api/v1/replay/sessions", ok);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.body().get("type").asText()).isEqualTo("AdminRequired");
        assertThat(user.get("/api/v1/replay/sessions").status()).isEqualTo(403);
        assertThat(user.post("/api/v1/admin/events/replay", Map.of("aggregate_id", "x"))
                        .status())
                .isEqualTo(403);

        assertThat(admin.get("/api/v1/replay/sessions/" + UUID.randomUUID()).status())
                .isEqualTo(404);
        assertThat(admin.post("/api/v1/replay/sessions/" + UUID.randomUUID() + "/start", null)
                        .status())
                .isEqualTo(404);
        assertThat(admin.get("/api/v1/admin/events/replay/" + UUID.randomUUID() + "/status")
                        .status())
                .isEqualTo(404);
        for (Map<String, Object> bad : List.of(
                Map.<String, Object>of("target", "test"),
                Map.<String, Object>of("replay_type", "sideways"),
                Map.<String, Object>of("replay_type", "query", "target", "callback"),
                Map.<String, Object>of("replay_type", "execution"),
                Map.<String, Object>of("replay_type", "query", "speed_multiplier", 1000),
                Map.<String, Object>of("replay_type", "query", "target_topics", Map.of("*", Topics.RUN_REQUESTS)),
                Map.<String, Object>of("replay_type", "query", "target_topics", Map.of("*", "__consumer_offsets")),
                Map.<String, Object>of(
                        "replay_type", "query", "target", "file", "target_file_path", "../../etc/passwd"))) {
            ApiSession.Reply reply = admin.post("/api/v1/replay/sessions", bad);
            assertThat(reply.status()).as(bad.toString()).isEqualTo(422);
            assertThat(reply.body().has("detail")).as(bad.toString()).isTrue();
        }
        ApiSession.Reply empty = admin.post("/api/v1/admin/events/replay", Map.of());
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.body().get("type").asText()).isEqualTo("ValidationError");
        ApiSession.Reply none =
                admin.post("/api/v1/admin/events/replay", Map.of("aggregate_id", "no-such-" + UUID.randomUUID()));
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.body().get("detail").asText()).isEqualTo("No events match the replay filter");
        assertThat(admin.get("/api/v1/replay/sessions?status=nonsense").status())
                .isEqualTo(422);
    }

    @Test
    void aRunningSessionWhoseWorkerIsGoneIsPausedToBeResumed() {
        String aggregate = seed(5);
        ApiSession admin = admin();
        String id = UUID.randomUUID().toString();
        // as a session looks after its instance died mid-run: running, position recorded, heartbeat old
        mongo.getCollection("replay_sessions")
                .insertOne(new Document("_id", id)
                        .append("replayType", "query")
                        .append("target", "test")
                        .append("aggregateId", aggregate)
                        .append("speedMultiplier", 100.0)
                        .append("batchSize", 100)
                        .append("retryAttempts", 3)
                        .append("skipErrors", true)
                        .append("status", "running")
                        .append("totalEvents", 5L)
                        .append("replayedEvents", 0L)
                        .append("failedEvents", 0L)
                        .append("skippedEvents", 0L)
                        .append("generation", 1L)
                        .append("createdAt", java.util.Date.from(Instant.now().minusSeconds(120)))
                        .append("startedAt", java.util.Date.from(Instant.now().minusSeconds(120)))
                        .append("heartbeat", java.util.Date.from(Instant.now().minusSeconds(120))));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> session(admin, id).get("status").asText().equals("paused"));
        assertThat(session(admin, id).get("errors").get(0).get("error_type").asText())
                .isEqualTo("Interrupted");
        admin.post("/api/v1/replay/sessions/" + id + "/resume", null);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> session(admin, id).get("status").asText().equals("completed"));
        assertThat(session(admin, id).get("replayed_events").asLong()).isEqualTo(5);
    }

    private static String userIdOf(ApiSession session) {
        return session.get("/api/v1/user/settings/").body().get("user_id").asText();
    }

    private Map<Object, Document> snapshot(String collection) {
        return mongo.getCollection(collection).find().into(new ArrayList<>()).stream()
                .collect(Collectors.toMap(d -> d.get("_id"), d -> d, (a, b) -> a, java.util.TreeMap::new));
    }

    private List<ConsumerRecord<String, byte[]>> consume(String topic, int expected) {
        Properties props = new Properties();
        props.putAll(kafkaAdmin.getConfigurationProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "replay-journey-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
            // nothing beyond what was expected
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (AdminClient client = AdminClient.create(kafkaAdmin.getConfigurationProperties())) {
            var partitions = client.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return client.listOffsets(request).all().get().entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }
}
