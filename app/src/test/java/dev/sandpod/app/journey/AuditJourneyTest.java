package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;

/** Audit through HTTP: an aggregate's stream and past states, the admin event browser, users' own events. */
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
class AuditJourneyTest {

    private static final String AUDIT = "/api/v1/audit/aggregates/";

    @LocalServerPort
    int port;

    @Autowired
    MongoTemplate mongo;

    private ApiSession newUser(String prefix) {
        return ApiSession.register(
                port, prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static String userIdOf(ApiSession session) {
        return session.get("/api/v1/user/settings/").body().get("user_id").asText();
    }

    private static JsonNode eventOfType(JsonNode events, String type) {
        for (JsonNode event : events) {
            if (event.get("event_type").asText().equals(type)) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " in " + events);
    }

    @Test
    void anExecutionsAuditListsItsWholeStreamWithWhoAndWhenAndItsStateBeforeAndAfterCompletion() {
        ApiSession user = newUser("audit-run");
        String userId = userIdOf(user);
        String executionId = user.execute("import time\ntime.sleep(0.6)\nprint('done')");
        user.awaitResult(executionId);

        ApiSession.Reply reply = user.get(AUDIT + "execution/" + executionId + "/events");

        assertThat(reply.status()).isEqualTo(200);
        JsonNode events = reply.body().get("events");
        assertThat(reply.body().get("total").asInt()).isEqualTo(events.size());
        assertThat(events.get(0).get("event_type").asText()).isEqualTo("execution_requested");
        assertThat(events.get(events.size() - 1).get("event_type").asText()).isEqualTo("result_stored");
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            assertThat(event.get("sequence_number").asInt()).isEqualTo(i);
            // the event's revision (execution_requested and execution_scheduled are at revision 2)
            assertThat(event.get("event_version").asText()).matches("[1-9][0-9]*");
            assertThat(event.get("timestamp").asText()).isNotBlank();
            assertThat(event.get("payload").get("execution_id").asText()).isEqualTo(executionId);
            assertThat(event.get("metadata").get("correlation_id").asText()).isNotBlank();
        }
        JsonNode requested = events.get(0).get("metadata");
        assertThat(requested.get("user_id").asText()).isEqualTo(userId);
        assertThat(requested.get("client_ip").asText()).isNotBlank();
        assertThat(requested.get("request_id").asText()).isNotBlank();
        assertThat(requested.get("causation_id").asText()).isNotBlank();

        String runningAt =
                eventOfType(events, "execution_running").get("timestamp").asText();
        String completedAt =
                eventOfType(events, "execution_completed").get("timestamp").asText();
        JsonNode whileRunning = user.get(AUDIT + "execution/" + executionId + "/state?at=" + runningAt)
                .body();
        assertThat(whileRunning.get("state").get("status").asText()).isEqualToIgnoringCase("running");
        assertThat(whileRunning.get("state").get("outcome").isNull()).isTrue();
        assertThat(whileRunning.get("sequence_number").asInt())
                .isEqualTo(eventOfType(events, "execution_running")
                        .get("sequence_number")
                        .asInt());
        JsonNode after = user.get(AUDIT + "execution/" + executionId + "/state?at=" + completedAt)
                .body();
        assertThat(after.get("state").get("status").asText()).isEqualToIgnoringCase("completed");
        assertThat(after.get("state").get("outcome").get("stdout").asText()).isEqualTo("done\n");
        assertThat(after.get("state").get("outcome").get("exit_code").asInt()).isZero();

        String before = java.time.Instant.parse(events.get(0).get("timestamp").asText())
                .minusMillis(1)
                .toString();
        ApiSession.Reply tooEarly = user.get(AUDIT + "execution/" + executionId + "/state?at=" + before);
        assertThat(tooEarly.status()).isEqualTo(404);
        assertThat(tooEarly.body().get("type").asText()).isEqualTo("NotFound");

        ApiSession.Reply page = user.get(AUDIT + "execution/" + executionId + "/events?skip=1&limit=2");
        assertThat(page.body().get("events")).hasSize(2);
        assertThat(page.body().get("events").get(0).get("sequence_number").asInt())
                .isEqualTo(1);
    }

    @Test
    void userSettingsChangedThreeTimesReadBackAsTheyWereAtEachInstant() {
        ApiSession user = newUser("audit-settings");
        String userId = userIdOf(user);
        List<String> themes = List.of("dark", "light", "auto");
        for (String theme : themes) {
            assertThat(user.put("/api/v1/user/settings/theme", Map.of("theme", theme))
                            .status())
                    .isEqualTo(200);
        }

        JsonNode events =
                user.get(AUDIT + "user_settings/" + userId + "/events").body().get("events");
        List<JsonNode> changes = new ArrayList<>();
        events.forEach(e -> {
            if (e.get("event_type").asText().equals("user_settings_updated")) {
                changes.add(e);
            }
        });
        assertThat(changes).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode state = user.get(AUDIT + "user-settings/" + userId + "/state?at="
                            + changes.get(i).get("timestamp").asText())
                    .body();
            assertThat(state.get("state").get("current").get("theme").asText())
                    .as("theme after change %d", i + 1)
                    .isEqualToIgnoringCase(themes.get(i));
            assertThat(state.get("sequence_number").asLong())
                    .isEqualTo(changes.get(i).get("sequence_number").asLong());
        }
    }

    @Test
    void aUserAskingForAnotherUsersAggregateGets403AndAnAdminGetsIt() {
        ApiSession owner = newUser("audit-owner");
        ApiSession other = newUser("audit-other");
        String ownerId = userIdOf(owner);
        assertThat(owner.put("/api/v1/user/settings/theme", Map.of("theme", "dark"))
                        .status())
                .isEqualTo(200);
        String executionId = owner.execute("print(1)");
        owner.awaitResult(executionId);
        ApiSession admin = ApiSession.login(port, "admin", "admin123");

        for (String path : List.of(
                "execution/" + executionId + "/events",
                "user/" + ownerId + "/events",
                "user_settings/" + ownerId + "/events",
                "execution/" + executionId + "/state")) {
            ApiSession.Reply denied = other.get(AUDIT + path);
            assertThat(denied.status()).as(path).isEqualTo(403);
            assertThat(denied.body().get("type").asText()).isEqualTo("Forbidden");
            assertThat(admin.get(AUDIT + path).status()).as(path).isEqualTo(200);
        }
        assertThat(other.get(AUDIT + "system_settings/system/events").status()).isIn(403, 404);
        assertThat(admin.get(AUDIT + "queue/default/events").status()).isEqualTo(200);
        assertThat(other.get(AUDIT + "queue/default/events").status()).isEqualTo(403);
        assertThat(other.get(AUDIT + "execution/" + UUID.randomUUID() + "/events")
                        .status())
                .isEqualTo(404);
        assertThat(other.get(AUDIT + "user/" + executionId + "/events").status())
                .as("an execution id is no user")
                .isEqualTo(404);
        ApiSession.Reply unknownType = other.get(AUDIT + "spaceship/1/events");
        assertThat(unknownType.status()).isEqualTo(404);
        assertThat(unknownType.body().get("detail").asText()).contains("execution");
        assertThat(other.get(AUDIT + "execution/" + executionId + "/state?at=yesterday")
                        .status())
                .isEqualTo(422);
    }

    @Test
    void userEventsNeverCarryAPasswordHashOrToken() {
        String username = "audit-secret-" + UUID.randomUUID().toString().substring(0, 8);
        ApiSession user = ApiSession.register(port, username);
        String userId = userIdOf(user);
        ApiSession.login(port, username, "pw-" + username + "-123");
        ApiSession admin = ApiSession.login(port, "admin", "admin123");

        ApiSession.Reply reply = admin.get(AUDIT + "user/" + userId + "/events");

        assertThat(reply.status()).isEqualTo(200);
        String body = reply.body().toString();
        assertThat(reply.body().get("events").size()).isGreaterThanOrEqualTo(2);
        assertThat(body).doesNotContain("pw-" + username).doesNotContain("$2a$").doesNotContain("$2b$");
        assertNoSecretFields(reply.body());
        JsonNode login = eventOfType(reply.body().get("events"), "user_logged_in");
        assertThat(login.get("payload").get("session_id").asText()).isEqualTo("***");
        JsonNode state = admin.get(AUDIT + "user/" + userId + "/state").body();
        assertThat(state.get("state").get("username").asText()).isEqualTo(username);
        assertNoSecretFields(state);
    }

    private static void assertNoSecretFields(JsonNode node) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String name = field.getKey().toLowerCase();
                if (field.getValue().isTextual()
                        && (name.contains("password") || name.contains("hash") || name.contains("token"))) {
                    assertThat(field.getValue().asText()).as(name).isEqualTo("***");
                }
                assertNoSecretFields(field.getValue());
            });
        } else if (node.isArray()) {
            node.forEach(AuditJourneyTest::assertNoSecretFields);
        }
    }

    @Test
    void theAdminBrowsesCountsDetailsExportsAndHidesEventsAndTheHideIsInTheHistory() {
        ApiSession user = newUser("audit-browse");
        String executionId = user.execute("print('browse')");
        user.awaitResult(executionId);
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        Map<String, Object> byAggregate = Map.of("filters", Map.of("aggregate_id", executionId));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(admin.post("/api/v1/admin/events/browse", byAggregate)
                                .body()
                                .get("events")
                                .toString())
                        .contains("result_stored"));

        ApiSession.Reply browse = admin.post(
                "/api/v1/admin/events/browse",
                Map.of(
                        "filters",
                        Map.of("event_types", List.of("execution_requested"), "search_text", "BROWSE"),
                        "limit",
                        10));
        assertThat(browse.status()).isEqualTo(200);
        assertThat(browse.body().get("skip").asInt()).isZero();
        assertThat(browse.body().get("limit").asInt()).isEqualTo(10);
        assertThat(browse.body().get("total").asInt()).isGreaterThanOrEqualTo(1);
        browse.body()
                .get("events")
                .forEach(e -> assertThat(e.get("event_type").asText()).isEqualTo("execution_requested"));
        JsonNode requested = browse.body().get("events").get(0);
        assertThat(requested.get("aggregate_id").asText()).isEqualTo(executionId);
        assertThat(requested.get("metadata").get("service_name").asText()).isEqualTo("sandpod");

        JsonNode all = admin.post("/api/v1/admin/events/browse", byAggregate).body();
        List<String> times = new ArrayList<>();
        all.get("events").forEach(e -> times.add(e.get("timestamp").asText()));
        assertThat(times).as("newest first").isSortedAccordingTo(java.util.Comparator.reverseOrder());

        JsonNode stats = admin.get("/api/v1/admin/events/stats?hours=1").body();
        assertThat(stats.get("total_events").asInt()).isGreaterThan(0);
        assertThat(stats.get("events_by_type").get(0).has("event_type")).isTrue();
        assertThat(stats.get("events_by_type").get(0).has("count")).isTrue();
        assertThat(stats.get("events_by_hour").get(0).has("hour")).isTrue();
        assertThat(stats.get("top_users").get(0).has("event_count")).isTrue();
        assertThat(stats.has("error_rate")).isTrue();
        assertThat(stats.has("avg_processing_time")).isTrue();
        assertThat(admin.get("/api/v1/admin/events/stats?hours=169").status()).isEqualTo(422);

        String requestedId = requested.get("event_id").asText();
        JsonNode detail = admin.get("/api/v1/admin/events/" + requestedId).body();
        assertThat(detail.get("event").get("event_id").asText()).isEqualTo(requestedId);
        // the request's command, the queue and the saga's scheduling share the request's correlation id
        assertThat(detail.get("related_events").toString())
                .contains("execution_queued")
                .contains("execution_scheduled");
        assertThat(detail.get("timeline").size()).isEqualTo(all.get("total").asInt());

        ApiSession.Reply csv = admin.get("/api/v1/admin/events/export/csv?aggregate_id=" + executionId);
        String[] lines = csv.body().asText().split("\n");
        assertThat(lines[0]).startsWith("event_id,event_type,timestamp");
        assertThat(lines).hasSize(all.get("total").asInt() + 1);
        ApiSession.Reply json = admin.get("/api/v1/admin/events/export/json?aggregate_id=" + executionId);
        assertThat(json.body().isArray()).isTrue();
        assertThat(json.body()).hasSize(all.get("total").asInt());
        assertThat(admin.get("/api/v1/admin/events/export/xml").status()).isEqualTo(422);

        ApiSession.Reply hidden = admin.delete("/api/v1/admin/events/" + requestedId);
        assertThat(hidden.status()).isEqualTo(200);
        assertThat(hidden.body().get("event_id").asText()).isEqualTo(requestedId);
        assertThat(admin.post("/api/v1/admin/events/browse", byAggregate).body().toString())
                .doesNotContain(requestedId);
        assertThat(admin.get("/api/v1/admin/events/" + requestedId).status()).isEqualTo(404);
        assertThat(admin.delete("/api/v1/admin/events/" + requestedId).status()).isEqualTo(404);
        JsonNode hide = admin.get(AUDIT + "event_hide/" + requestedId + "/events")
                .body()
                .get("events")
                .get(0);
        assertThat(hide.get("event_type").asText()).isEqualTo("event_hidden");
        assertThat(hide.get("payload").get("event_id").asText()).isEqualTo(requestedId);
        assertThat(hide.get("metadata").get("user_id").asText()).isEqualTo(userIdOf(admin));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(admin.post(
                                        "/api/v1/admin/events/browse",
                                        Map.of("filters", Map.of("event_types", List.of("event_hidden"))))
                                .body()
                                .toString())
                        .contains(requestedId));
        assertThat(user.post("/api/v1/admin/events/browse", byAggregate).status())
                .isEqualTo(403);
        assertThat(admin.post("/api/v1/admin/events/browse", Map.of("filters", Map.of(), "limit", 501))
                        .status())
                .isEqualTo(422);
    }

    @Test
    void aUserQueriesTheEventsOfTheirOwnAggregatesOnly() {
        ApiSession user = newUser("audit-mine");
        ApiSession other = newUser("audit-theirs");
        String executionId = user.execute("print('mine')");
        user.awaitResult(executionId);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(user.get("/api/v1/events?aggregate_id=" + executionId)
                                .body()
                                .toString())
                        .contains("result_stored"));

        JsonNode mine = user.get("/api/v1/events?aggregate_id=" + executionId).body();
        assertThat(mine.get("total").asInt()).isEqualTo(mine.get("events").size());
        JsonNode first = mine.get("events").get(0);
        String eventId = first.get("event_id").asText();
        assertThat(user.get("/api/v1/events/" + eventId).body().get("event_id").asText())
                .isEqualTo(eventId);
        assertThat(other.get("/api/v1/events/" + eventId).status()).isEqualTo(404);
        assertThat(other.get("/api/v1/events?aggregate_id=" + executionId)
                        .body()
                        .get("total")
                        .asInt())
                .isZero();

        String correlationId = first.get("metadata").get("correlation_id").asText();
        JsonNode correlated =
                user.get("/api/v1/events/correlation/" + correlationId).body();
        assertThat(correlated.get("events").size()).isGreaterThan(1);
        assertThat(other.get("/api/v1/events/correlation/" + correlationId)
                        .body()
                        .get("events")
                        .size())
                .isZero();

        JsonNode stats = user.get("/api/v1/events/statistics?hours=1").body();
        assertThat(stats.get("total_events").asInt())
                .isGreaterThanOrEqualTo(mine.get("total").asInt());
        assertThat(stats.get("top_users").toString()).doesNotContain(userIdOf(other));
    }

    @Test
    void theAdminsStatisticsCountExactlyTheVisibleEventsAndAHiddenEventLeavesThem() {
        ApiSession user = newUser("audit-stats");
        String executionId = user.execute("print('stats')");
        user.awaitResult(executionId);
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        admin.awaitIndexedRun(executionId);
        // (the per-hour counters for the whole hours, the index for the window's first partial hour)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertStatsMatchTheIndex(admin, 168));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertStatsMatchTheIndex(admin, 1));

        admin.hideFirstIndexedEvent(executionId);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertStatsMatchTheIndex(admin, 168));
    }

    /** The statistics agree with a count of the visible index entries of the window. */
    private void assertStatsMatchTheIndex(ApiSession admin, int hours) {
        JsonNode stats = admin.get("/api/v1/admin/events/stats?hours=" + hours).body();
        java.util.Date since = java.util.Date.from(java.time.Instant.now().minus(Duration.ofHours(hours)));
        List<org.bson.Document> visible = mongo.getCollection("event_index")
                .find(new org.bson.Document("hidden", false).append("timestamp", new org.bson.Document("$gte", since)))
                .projection(new org.bson.Document("type", 1).append("userId", 1).append("error", 1))
                .into(new ArrayList<>());
        assertThat(stats.get("total_events").asLong()).isEqualTo(visible.size());
        Map<String, Long> byType = new java.util.HashMap<>();
        Map<String, Long> byUser = new java.util.HashMap<>();
        long errors = 0;
        for (org.bson.Document doc : visible) {
            byType.merge(doc.getString("type"), 1L, Long::sum);
            if (doc.getString("userId") != null) {
                byUser.merge(doc.getString("userId"), 1L, Long::sum);
            }
            errors += Boolean.TRUE.equals(doc.getBoolean("error")) ? 1 : 0;
        }
        Map<String, Long> answered = new java.util.HashMap<>();
        stats.get("events_by_type")
                .forEach(t -> answered.put(
                        t.get("event_type").asText(), t.get("count").asLong()));
        assertThat(answered).isEqualTo(byType);
        long perHour = 0;
        for (JsonNode h : stats.get("events_by_hour")) {
            perHour += h.get("count").asLong();
        }
        assertThat(perHour).isEqualTo(visible.size());
        assertThat(stats.get("top_users")).isNotEmpty();
        stats.get("top_users")
                .forEach(u -> assertThat(u.get("event_count").asLong())
                        .isEqualTo(byUser.get(u.get("user_id").asText())));
        assertThat(stats.get("error_rate").asDouble())
                .isEqualTo(Math.round(errors * 10000.0 / visible.size()) / 10000.0);
    }
}
