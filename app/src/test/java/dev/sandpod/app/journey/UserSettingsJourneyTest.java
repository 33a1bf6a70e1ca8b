package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;

/** Event-sourced user settings through HTTP: every endpoint, history, restore, snapshots. */
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
class UserSettingsJourneyTest {

    private static final String SETTINGS = "/api/v1/user/settings/";

    @LocalServerPort
    int port;

    @Autowired
    MongoTemplate mongo;

    @Autowired
    EventProcessingConfiguration processing;

    private ApiSession newUser() {
        return ApiSession.register(
                port, "settings-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static String userIdOf(ApiSession session) {
        return session.get(SETTINGS).body().get("user_id").asText();
    }

    @Test
    void aNewUserHasTheDefaultsAtVersionOne() {
        ApiSession user = newUser();

        ApiSession.Reply reply = user.get(SETTINGS);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode s = reply.body();
        assertThat(s.get("user_id").asText()).isNotBlank();
        assertThat(s.get("theme").asText()).isEqualTo("auto");
        assertThat(s.get("timezone").asText()).isEqualTo("UTC");
        assertThat(s.get("date_format").asText()).isEqualTo("YYYY-MM-DD");
        assertThat(s.get("time_format").asText()).isEqualTo("24h");
        assertThat(s.get("notifications").get("execution_completed").asBoolean())
                .isTrue();
        assertThat(s.get("notifications").get("channels").findValuesAsText("")).isEmpty();
        assertThat(s.get("notifications").get("channels").get(0).asText()).isEqualTo("in_app");
        assertThat(s.get("editor").get("font_size").asInt()).isEqualTo(14);
        assertThat(s.get("editor").get("tab_size").asInt()).isEqualTo(4);
        assertThat(s.get("custom_settings").size()).isZero();
        assertThat(s.get("version").asInt()).isEqualTo(1);
        assertThat(user.get("/api/v1/user/settings").status()).isEqualTo(200);
    }

    @Test
    void everyEndpointChangesItsPartAndTheRestStays() {
        ApiSession user = newUser();

        JsonNode theme = user.put(SETTINGS + "theme", Map.of("theme", "dark")).body();
        assertThat(theme.get("theme").asText()).isEqualTo("dark");
        assertThat(theme.get("version").asInt()).isEqualTo(2);

        JsonNode editor = user.put(SETTINGS + "editor", Map.of("font_size", 18, "tab_size", 2, "use_tabs", true))
                .body();
        assertThat(editor.get("editor").get("font_size").asInt()).isEqualTo(18);
        assertThat(editor.get("editor").get("tab_size").asInt()).isEqualTo(2);
        assertThat(editor.get("editor").get("use_tabs").asBoolean()).isTrue();
        assertThat(editor.get("editor").get("word_wrap").asBoolean()).isTrue();
        assertThat(editor.get("theme").asText()).isEqualTo("dark");

        JsonNode notifications = user.put(
                        SETTINGS + "notifications",
                        Map.of("execution_completed", false, "channels", List.of("in_app", "webhook")))
                .body();
        assertThat(notifications.get("notifications").get("execution_completed").asBoolean())
                .isFalse();
        assertThat(notifications.get("notifications").get("execution_failed").asBoolean())
                .isTrue();
        assertThat(notifications.get("notifications").get("channels").toString())
                .isEqualTo("[\"in_app\",\"webhook\"]");

        JsonNode custom = user.put(
                        SETTINGS + "custom/layout", Map.of("panels", List.of("editor", "output"), "split.ratio", 0.6))
                .body();
        assertThat(custom.get("custom_settings")
                        .get("layout")
                        .get("panels")
                        .get(1)
                        .asText())
                .isEqualTo("output");
        assertThat(custom.get("custom_settings")
                        .get("layout")
                        .get("split.ratio")
                        .asDouble())
                .isEqualTo(0.6);

        JsonNode whole = user.put(
                        SETTINGS,
                        Map.of("timezone", "Europe/Berlin", "time_format", "12h", "date_format", "DD.MM.YYYY"))
                .body();
        assertThat(whole.get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(whole.get("time_format").asText()).isEqualTo("12h");
        assertThat(whole.get("custom_settings").has("layout")).isTrue();
        assertThat(whole.get("version").asInt()).isEqualTo(6);

        JsonNode read = user.get(SETTINGS).body();
        assertThat(read).isEqualTo(whole);
        assertThat(Instant.parse(read.get("updated_at").asText()))
                .isAfter(Instant.parse(read.get("created_at").asText()));
    }

    @Test
    void invalidValuesAreRejectedWith422AndChangeNothing() {
        ApiSession user = newUser();

        List<ApiSession.Reply> replies = List.of(
                user.put(SETTINGS + "theme", Map.of("theme", "neon")),
                user.put(SETTINGS + "theme", Map.of()),
                user.put(SETTINGS + "editor", Map.of("font_size", 40)),
                user.put(SETTINGS + "editor", Map.of("tab_size", 3)),
                user.put(SETTINGS + "notifications", Map.of("channels", List.of("pigeon"))),
                user.put(SETTINGS, Map.of("timezone", "Mars/Olympus_Mons")),
                user.put(SETTINGS, Map.of("time_format", "25h")),
                user.put(SETTINGS + "custom/bad key!", Map.of("a", 1)),
                user.exchange("PUT", SETTINGS + "custom/number", 42, true),
                user.post(SETTINGS + "restore", Map.of("timestamp", "yesterday")),
                user.get(SETTINGS + "history?limit=0"));

        assertThat(replies).extracting(ApiSession.Reply::status).containsOnly(422);
        assertThat(replies.get(0).body().get("detail").get(0).get("loc").get(1).asText())
                .isEqualTo("theme");
        assertThat(replies.get(2).body().get("detail").get(0).get("msg").asText())
                .contains("between 8 and 32");
        assertThat(user.get(SETTINGS).body().get("version").asInt()).isEqualTo(1);
    }

    @Test
    void historyIsNewestFirstWithOldAndNewValues() {
        ApiSession user = newUser();
        user.put(SETTINGS + "theme", Map.of("theme", "light"));
        user.put(SETTINGS + "theme", Map.of("theme", "dark"));
        user.put(SETTINGS + "editor", Map.of("font_size", 20));

        ApiSession.Reply reply = user.get(SETTINGS + "history");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("limit").asInt()).isEqualTo(50);
        JsonNode history = reply.body().get("history");
        assertThat(history).hasSize(3);
        assertThat(entry(history.get(0))).isEqualTo("editor.font_size 14 -> 20");
        assertThat(entry(history.get(1))).isEqualTo("theme \"light\" -> \"dark\"");
        assertThat(entry(history.get(2))).isEqualTo("theme \"auto\" -> \"light\"");
        assertThat(history.get(0).get("event_type").asText()).isEqualTo("user_settings_updated");
        assertThat(Instant.parse(history.get(0).get("timestamp").asText()))
                .isAfterOrEqualTo(Instant.parse(history.get(2).get("timestamp").asText()));
        JsonNode limited = user.get(SETTINGS + "history?limit=1").body();
        assertThat(limited.get("history")).hasSize(1);
        assertThat(entry(limited.get("history").get(0))).isEqualTo("editor.font_size 14 -> 20");

        user.put(SETTINGS + "notifications", Map.of("execution_failed", false));
        JsonNode latest = user.get(SETTINGS + "history").body().get("history").get(0);
        assertThat(latest.get("event_type").asText()).isEqualTo("notification_preferences_updated");
        assertThat(entry(latest)).isEqualTo("notifications.execution_failed true -> false");
    }

    private static String entry(JsonNode e) {
        return e.get("field").asText() + " " + e.get("old_value") + " -> " + e.get("new_value");
    }

    @Test
    void restoringToAnInstantBringsBackThoseSettingsAndIsItselfInTheHistory() throws Exception {
        ApiSession user = newUser();
        user.put(SETTINGS + "theme", Map.of("theme", "light"));
        Instant goodTimes = Moments.between();
        user.put(SETTINGS + "theme", Map.of("theme", "dark"));
        user.put(SETTINGS + "editor", Map.of("font_size", 24));

        ApiSession.Reply restored =
                user.post(SETTINGS + "restore", Map.of("timestamp", goodTimes.toString(), "reason", "liked it better"));

        assertThat(restored.status()).isEqualTo(200);
        assertThat(restored.body().get("theme").asText()).isEqualTo("light");
        assertThat(restored.body().get("editor").get("font_size").asInt()).isEqualTo(14);
        assertThat(restored.body().get("version").asInt()).isEqualTo(5);
        assertThat(user.get(SETTINGS).body()).isEqualTo(restored.body());
        JsonNode history = user.get(SETTINGS + "history").body().get("history");
        assertThat(history.get(0).get("reason").asText())
                .contains("Restored to " + goodTimes)
                .contains("liked it better");
        assertThat(List.of(entry(history.get(0)), entry(history.get(1))))
                .containsExactlyInAnyOrder("theme \"dark\" -> \"light\"", "editor.font_size 24 -> 14");

        ApiSession.Reply beforeAnything = user.post(SETTINGS + "restore", Map.of("timestamp", "2000-01-01T00:00:00Z"));
        assertThat(beforeAnything.body().get("theme").asText()).isEqualTo("auto");
    }

    /** The reference system lost a restore when its cache was rebuilt; here the restore is in the events. */
    @Test
    void aRestoreSurvivesRebuildingTheReadModelFromTheEvents() throws Exception {
        ApiSession user = newUser();
        user.put(SETTINGS + "theme", Map.of("theme", "light"));
        Instant light = Moments.between();
        user.put(SETTINGS + "theme", Map.of("theme", "dark"));
        user.post(SETTINGS + "restore", Map.of("timestamp", light.toString()));

        StreamingEventProcessor processor = processing
                .eventProcessor("user-settings", StreamingEventProcessor.class)
                .orElseThrow();
        processor.shutDown();
        processor.resetTokens();
        processor.start();

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    JsonNode now = user.get(SETTINGS).body();
                    assertThat(now.get("version").asInt()).isEqualTo(4);
                    assertThat(now.get("theme").asText()).isEqualTo("light");
                });
        assertThat(user.get(SETTINGS + "history").body().get("history")).hasSize(3);
    }

    /** Snapshot every 3 events in this context: a snapshot is written, and the aggregate loads from it. */
    @Test
    void settingsAreSnapshottedAndKeepWorkingFromTheSnapshot() {
        ApiSession user = newUser();
        for (int size = 10; size <= 17; size++) {
            assertThat(user.put(SETTINGS + "editor", Map.of("font_size", size)).status())
                    .isEqualTo(200);
        }
        String aggregateId = "user-settings:" + userIdOf(user);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> mongo.getCollection("snapshotevents")
                                .countDocuments(new Document("aggregateIdentifier", aggregateId))
                        > 0);
        ApiSession.Reply after = user.put(SETTINGS + "theme", Map.of("theme", "dark"));

        assertThat(after.status()).isEqualTo(200);
        assertThat(after.body().get("theme").asText()).isEqualTo("dark");
        assertThat(after.body().get("editor").get("font_size").asInt()).isEqualTo(17);
        assertThat(after.body().get("version").asInt()).isEqualTo(10);
    }

    @Test
    void settingsNeedASession() {
        assertThat(ApiSession.anonymous(port, "GET", SETTINGS, null).status()).isEqualTo(401);
    }
}
