package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.StreamExecutionQuery;
import dev.sandpod.api.kafka.Topics;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.projections.execution.ExecutionProjection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
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

/** Admins see every event processor with its lag, pause and resume it, and rebuild a projection. */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false"
        })
class ProjectionAdminJourneyTest {

    @LocalServerPort
    int port;

    @Autowired
    MongoTemplate mongo;

    @Autowired
    QueryGateway queries;

    @Autowired
    KafkaAdmin kafkaAdmin;

    @Autowired
    ExecutionProjection executionProjection;

    private ApiSession admin() {
        return ApiSession.login(port, "admin", "admin123");
    }

    private static JsonNode processor(JsonNode list, String name) {
        for (JsonNode p : list.get("processors")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no processor " + name + " in " + list);
    }

    @Test
    void everyProcessorIsListedWithKindSegmentsOwnersAndLag() {
        ApiSession admin = admin();
        ApiSession user =
                ApiSession.register(port, "p" + UUID.randomUUID().toString().substring(0, 8));
        user.awaitResult(user.execute("print('listed')"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ApiSession.Reply reply = admin.get("/api/v1/admin/projections");
            assertThat(reply.status()).isEqualTo(200);
            JsonNode executions = processor(reply.body(), "executions");
            assertThat(executions.get("kind").asText()).isEqualTo("projection");
            assertThat(executions.get("processor_type").asText()).isEqualTo("pooled_streaming");
            assertThat(executions.get("state").asText()).isEqualTo("caught_up");
            assertThat(executions.get("lag").asLong()).isZero();
            assertThat(executions.get("position").asLong())
                    .isEqualTo(executions.get("head").asLong())
                    .isPositive();
            assertThat(executions.get("replayable").asBoolean()).isTrue();
            assertThat(executions.get("dead_letters").asLong()).isZero();
            assertThat(executions.get("segments")).hasSize(2);
            for (JsonNode segment : executions.get("segments")) {
                assertThat(segment.get("owner").asText()).isNotBlank();
                assertThat(segment.get("lag").asLong()).isZero();
            }
            assertThat(processor(reply.body(), "ExecutionSagaProcessor")
                            .get("kind")
                            .asText())
                    .isEqualTo("saga");
            assertThat(processor(reply.body(), "run-dispatch").get("kind").asText())
                    .isEqualTo("side_effect");
            assertThat(processor(reply.body(), "notification-policy")
                            .get("kind")
                            .asText())
                    .isEqualTo("side_effect");
            JsonNode admission = processor(reply.body(), "execution-admission");
            assertThat(admission.get("processor_type").asText()).isEqualTo("subscribing");
            assertThat(admission.get("kind").asText()).isEqualTo("side_effect");
        });

        assertThat(user.get("/api/v1/admin/projections").status()).isEqualTo(403);
        assertThat(ApiSession.anonymous(port, "GET", "/api/v1/admin/projections", null)
                        .status())
                .isEqualTo(401);

        List<ServerSentEvent<String>> live = ApiSession.clientFor(port)
                .get()
                .uri("/api/v1/admin/projections/stream")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .cookie("access_token", accessToken(admin))
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
                .take(2)
                .collectList()
                .block(Duration.ofSeconds(20));
        assertThat(live).hasSize(2);
        assertThat(live).allSatisfy(event -> {
            assertThat(event.event()).isEqualTo("projections");
            assertThat(ApiSession.parse(event.data()).get("processors").size()).isGreaterThan(5);
        });
    }

    @Test
    void processorsWithSideEffectsRefuseAReplay() {
        ApiSession admin = admin();
        for (String name : List.of(
                "run-dispatch", "notification-policy", "ExecutionSagaProcessor", "NotificationDeliverySagaProcessor")) {
            ApiSession.Reply reply = admin.post("/api/v1/admin/projections/" + name + "/replay", null);
            assertThat(reply.status()).as(name).isEqualTo(409);
            assertThat(reply.body().get("type").asText()).isEqualTo("Conflict");
        }
        assertThat(admin.post("/api/v1/admin/projections/execution-admission/replay", null)
                        .status())
                .isEqualTo(409);
        assertThat(admin.post("/api/v1/admin/projections/nope/replay", null).status())
                .isEqualTo(404);
    }

    @Test
    void pausedProjectionFallsBehindAndCatchesUpWhenResumed() {
        ApiSession admin = admin();
        ApiSession user =
                ApiSession.register(port, "q" + UUID.randomUUID().toString().substring(0, 8));
        ApiSession.Reply paused = admin.post("/api/v1/admin/projections/executions/pause", null);
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.body().get("state").asText()).isEqualTo("paused");

        // The run itself goes on (the saga and dispatch are other processors); only its read model waits.
        String id = user.execute("print('while paused')");
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode view =
                        admin.get("/api/v1/admin/projections/executions").body();
                assertThat(view.get("state").asText()).isEqualTo("paused");
                assertThat(view.get("lag").asLong()).isGreaterThanOrEqualTo(2);
                assertThat(view.get("segments"))
                        .allSatisfy(segment ->
                                assertThat(segment.get("owner").isNull()).isTrue());
            });

        } finally {
            // a failed check must not leave the read model paused for the other tests of this context
            assertThat(admin.post("/api/v1/admin/projections/executions/resume", null)
                            .status())
                    .isEqualTo(200);
        }
        assertThat(user.awaitResult(id).get("stdout").asText()).isEqualTo("while paused\n");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(admin.get("/api/v1/admin/projections/executions")
                                .body()
                                .get("state")
                                .asText())
                        .isEqualTo("caught_up"));
    }

    @Test
    void rebuildingExecutionsRestoresEveryDocumentAndSendsNothing() throws Exception {
        ApiSession admin = admin();
        ApiSession user =
                ApiSession.register(port, "r" + UUID.randomUUID().toString().substring(0, 8));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(user.execute("print('run " + i + "')"));
        }
        for (String id : ids) {
            user.awaitResult(id);
        }
        // Every processor caught up (the sagas' and notifications' follow-up events of these and earlier runs
        // stored), so any event stored from here on would be the rebuild's doing.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode list = admin.get("/api/v1/admin/projections").body();
            assertThat(processor(list, "executions").get("state").asText()).isEqualTo("caught_up");
            for (JsonNode p : list.get("processors")) {
                if (p.hasNonNull("lag")) {
                    assertThat(p.get("lag").asLong()).as(p.get("name").asText()).isZero();
                }
            }
        });

        Map<Object, Document> executionsBefore = snapshot("executions");
        Map<Object, Document> framesBefore = snapshot("execution_frames");
        Map<String, Document> executionIndexesBefore = indexes("executions");
        Map<String, Document> frameIndexesBefore = indexes("execution_frames");
        assertThat(executionIndexesBefore).containsKeys("user_created", "status_created", "created");
        assertThat(frameIndexesBefore).containsKey("execution_sequence");
        long eventsBefore = mongo.getCollection("domainevents").countDocuments();
        Map<TopicPartition, Long> runRequestsBefore = endOffsets(Topics.RUN_REQUESTS);

        // Everything the rebuild could wrongly send: live frames of every execution, notification frames.
        AtomicInteger frames = new AtomicInteger();
        List<SubscriptionQueryResult<List<ExecutionFrameView>, ExecutionFrameView>> subscriptions = new ArrayList<>();
        for (String id : ids) {
            var subscription = queries.subscriptionQuery(
                    StreamExecutionQuery.class.getName(),
                    new StreamExecutionQuery(id),
                    ResponseTypes.multipleInstancesOf(ExecutionFrameView.class),
                    ResponseTypes.instanceOf(ExecutionFrameView.class),
                    1024);
            subscription.updates().subscribe(frame -> frames.incrementAndGet());
            subscriptions.add(subscription);
        }
        List<ServerSentEvent<String>> notificationFrames = new CopyOnWriteArrayList<>();
        Disposable notifications =
                user.notificationEvents().filter(event -> event.data() != null).subscribe(notificationFrames::add);

        long flushesBefore = executionProjection.flushes();
        ApiSession.Reply started = admin.exchange("POST", "/api/v1/admin/projections/executions/replay", null, true);
        assertThat(started.status()).isEqualTo(202);

        List<JsonNode> progress = new CopyOnWriteArrayList<>();
        ApiSession.clientFor(port)
                .get()
                .uri("/api/v1/admin/projections/executions/stream")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .cookie("access_token", accessToken(admin))
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
                .map(event -> ApiSession.parse(event.data()))
                .doOnNext(progress::add)
                .takeUntil(view -> view.get("replay").get("status").asText().equals("finished"))
                .blockLast(Duration.ofSeconds(60));

        JsonNode last = progress.get(progress.size() - 1).get("replay");
        assertThat(last.get("progress_percent").asDouble()).isEqualTo(100.0);
        assertThat(last.get("target").asLong()).isEqualTo(eventsBefore);
        assertThat(last.get("events_per_second").asDouble()).isPositive();
        assertThat(progress)
                .allSatisfy(view ->
                        assertThat(view.get("replay").has("eta_seconds")).isTrue());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(snapshot("executions")).isEqualTo(executionsBefore);
            assertThat(snapshot("execution_frames")).isEqualTo(framesBefore);
        });
        // Rebuilt in batches: each bulk write (one per collection) carried the changes of many events.
        assertThat(executionProjection.flushes() - flushesBefore)
                .as("bulk writes for %d events", framesBefore.size())
                .isPositive()
                .isLessThan(framesBefore.size());
        ApiSession.Reply after = admin.get("/api/v1/admin/projections/executions");
        assertThat(after.body().get("state").asText()).isEqualTo("caught_up");
        // The reset dropped the collections; the rebuilt ones have every index the old ones had.
        assertThat(indexes("executions")).isEqualTo(executionIndexesBefore);
        assertThat(indexes("execution_frames")).isEqualTo(frameIndexesBefore);

        // Nothing went out because of it: no new event (notification, delivery attempt, dispatch), no Kafka
        // run request, no live frame on any stream.
        assertThat(mongo.getCollection("domainevents").countDocuments()).isEqualTo(eventsBefore);
        assertThat(endOffsets(Topics.RUN_REQUESTS)).isEqualTo(runRequestsBefore);
        assertThat(frames.get()).isZero();
        assertThat(notificationFrames).isEmpty();
        notifications.dispose();
        subscriptions.forEach(SubscriptionQueryResult::cancel);
    }

    @Test
    void userOverviewCountsWhatTheUserDidInTheLastDay() {
        ApiSession admin = admin();
        String name = "v" + UUID.randomUUID().toString().substring(0, 8);
        ApiSession user = ApiSession.register(port, name);
        String ok = user.execute("print('fine')");
        String bad = user.execute("import sys\nsys.exit(3)");
        assertThat(user.awaitResult(ok).get("status").asText()).isEqualTo("completed");
        // a script that exits non-zero still completes (the run worked; its exit code says the rest)
        assertThat(user.awaitResult(bad).get("exit_code").asInt()).isEqualTo(3);
        String userId = user.get("/api/v1/auth/me").body().get("user_id").asText();

        JsonNode overview =
                admin.get("/api/v1/admin/users/" + userId + "/overview").body();
        assertThat(overview.get("user").get("username").asText()).isEqualTo(name);
        JsonNode derived = overview.get("derived_counts");
        assertThat(derived.get("succeeded").asInt()).isEqualTo(2);
        assertThat(derived.get("failed").asInt()).isZero();
        assertThat(derived.get("timeout").asInt()).isZero();
        assertThat(derived.get("cancelled").asInt()).isZero();
        assertThat(derived.get("terminal_total").asInt()).isEqualTo(2);
        JsonNode stats = overview.get("stats");
        long executionEvents = mongo.getCollection("domainevents")
                .countDocuments(com.mongodb.client.model.Filters.in("aggregateIdentifier", ok, bad));
        long accountEvents = mongo.getCollection("domainevents")
                .countDocuments(com.mongodb.client.model.Filters.eq("aggregateIdentifier", userId));
        assertThat(stats.get("total_events").asLong()).isEqualTo(executionEvents + accountEvents);
        assertThat(stats.get("error_rate").asDouble()).isZero();
        long byType = 0;
        for (JsonNode t : stats.get("events_by_type")) {
            byType += t.get("count").asLong();
        }
        assertThat(byType).isEqualTo(stats.get("total_events").asLong());
        assertThat(stats.get("events_by_type").toString()).contains("execution_completed", "user_registered");
        assertThat(overview.get("rate_limit_summary").has("bypass_rate_limit")).isTrue();
        assertThat(overview.get("recent_events").size()).isBetween(1, 10);
        assertThat(overview.get("recent_events").get(0).get("event_id").asText())
                .isNotBlank();
        assertThat(admin.get("/api/v1/admin/users/nobody/overview").status()).isEqualTo(404);
        assertThat(user.get("/api/v1/admin/users/" + userId + "/overview").status())
                .isEqualTo(403);

        // Deleting the user with cascade removes (and counts) what the user owned.
        ApiSession.Reply script = user.post(
                "/api/v1/scripts",
                Map.of("name", "mine", "script", "print(1)", "lang", "python", "lang_version", "3.11"));
        assertThat(script.status()).isLessThan(300);
        long notifications = mongo.getCollection("notifications")
                .countDocuments(com.mongodb.client.model.Filters.eq("userId", userId));
        ApiSession.Reply deleted = admin.delete("/api/v1/admin/users/" + userId + "?cascade=true");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("user_deleted").asBoolean()).isTrue();
        assertThat(deleted.body().get("executions").asInt()).isEqualTo(2);
        assertThat(deleted.body().get("saved_scripts").asInt()).isEqualTo(1);
        assertThat(deleted.body().get("notifications").asLong()).isEqualTo(notifications);
        assertThat(deleted.body().get("sagas").asInt()).isZero();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(mongo.getCollection("executions")
                            .countDocuments(com.mongodb.client.model.Filters.eq("userId", userId)))
                    .isZero();
            assertThat(mongo.getCollection("saved_scripts")
                            .countDocuments(com.mongodb.client.model.Filters.eq("userId", userId)))
                    .isZero();
        });
    }

    private Map<Object, Document> snapshot(String collection) {
        return mongo.getCollection(collection).find().into(new ArrayList<>()).stream()
                .collect(Collectors.toMap(d -> d.get("_id"), d -> d, (a, b) -> a, TreeMap::new));
    }

    /** The collection's indexes by name (keys, uniqueness and the rest, as the store lists them). */
    private Map<String, Document> indexes(String collection) {
        return mongo.getCollection(collection).listIndexes().into(new ArrayList<>()).stream()
                .collect(Collectors.toMap(d -> d.getString("name"), d -> d, (a, b) -> a, TreeMap::new));
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (AdminClient client = AdminClient.create(kafkaAdmin.getConfigurationProperties())) {
            var partitions = client.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions();
            Map<TopicPartition, OffsetSpec> request = partitions.stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return client.listOffsets(request).all().get().entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private static String accessToken(ApiSession session) {
        return session.accessToken();
    }
}
