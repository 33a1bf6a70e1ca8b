package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The event index written live (a few events per batch) and rebuilt from the store (many per batch) are the same:
 * every entry, every owner, every per-hour counter, and so what the audit API answers, a hidden event included.
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false"
        })
class EventIndexRebuildJourneyTest {

    @LocalServerPort
    int port;

    @Autowired
    MongoTemplate mongo;

    @Test
    void rebuildingTheEventIndexEndsWithTheSameEntriesCountersAndAnswers() {
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        ApiSession user =
                ApiSession.register(port, "ix" + UUID.randomUUID().toString().substring(0, 8));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(user.execute("print('index " + i + "')"));
        }
        ids.forEach(user::awaitResult);
        String hidden = admin.hideFirstIndexedEvent(ids.get(0));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(mongo.getCollection("event_index")
                                .find(new Document("_id", hidden).append("hidden", true))
                                .first())
                        .isNotNull());
        // Every processor caught up: nothing is stored from here on but what the rebuild writes.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (JsonNode p : admin.get("/api/v1/admin/projections").body().get("processors")) {
                if (p.hasNonNull("lag")) {
                    assertThat(p.get("lag").asLong()).as(p.get("name").asText()).isZero();
                }
            }
        });
        Map<Object, Document> entries = snapshot("event_index");
        Map<Object, Document> owners = snapshot("event_index_owners");
        Map<Object, Document> counters = snapshot("event_index_hourly");
        JsonNode stats = admin.get("/api/v1/admin/events/stats?hours=168").body();
        JsonNode mine = user.get("/api/v1/events/statistics?hours=1").body();
        assertThat(entries.get(hidden).getBoolean("hidden")).isTrue();
        assertThat(owners).containsKey(ids.get(0));

        assertThat(admin.exchange("POST", "/api/v1/admin/projections/event-index/replay", null, true)
                        .status())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode view = admin.get("/api/v1/admin/projections/event-index").body();
            assertThat(view.path("replay").path("status").asText()).isEqualTo("finished");
            assertThat(view.get("state").asText()).isEqualTo("caught_up");
            assertThat(snapshot("event_index")).isEqualTo(entries);
        });
        assertThat(snapshot("event_index_owners")).isEqualTo(owners);
        Map<Object, Document> rebuilt = snapshot("event_index_hourly");
        assertThat(rebuilt.keySet()).isEqualTo(counters.keySet());
        rebuilt.forEach((id, counter) -> {
            Document before = counters.get(id);
            for (String field : List.of("kind", "hour", "key", "count", "errors", "processingCount")) {
                assertThat(counter.get(field)).as("%s of %s", field, id).isEqualTo(before.get(field));
            }
            if (before.containsKey("processingSum")) {
                // summed in another order (other batches): equal up to the rounding of doubles
                assertThat(counter.get("processingSum", Number.class).doubleValue())
                        .isCloseTo(before.get("processingSum", Number.class).doubleValue(), within(1e-9));
            }
        });
        JsonNode statsAfter = admin.get("/api/v1/admin/events/stats?hours=168").body();
        for (String field : List.of("total_events", "events_by_type", "events_by_hour", "top_users")) {
            assertThat(statsAfter.get(field)).as(field).isEqualTo(stats.get(field));
        }
        assertThat(user.get("/api/v1/events/statistics?hours=1").body().get("total_events"))
                .isEqualTo(mine.get("total_events"));
    }

    private Map<Object, Document> snapshot(String collection) {
        return mongo.getCollection(collection).find().into(new ArrayList<>()).stream()
                .collect(Collectors.toMap(d -> d.get("_id"), d -> d, (a, b) -> a, TreeMap::new));
    }
}
