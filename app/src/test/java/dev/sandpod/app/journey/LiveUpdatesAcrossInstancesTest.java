package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.app.cluster.RedisLiveUpdates;
import dev.sandpod.web.ratelimit.RedisProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;

/**
 * Two instances on one Mongo-wire store, one Kafka broker and one real {@code redis-server}
 * ({@code SANDPOD_REDIS_URL}), as two pods share them. The execution and notification projections run on
 * instance B only (A's are shut down), so every live frame a stream on A shows was stored and published by B and
 * reached A through Redis: runs submitted on B stream to A in order with their result, a notification created on
 * B reaches A's notification stream, a stream resumed with {@code Last-Event-ID} on the other instance misses no
 * frame, the per-minute execution limit holds across both, and so does a system setting changed on B.
 */
class LiveUpdatesAcrossInstancesTest {

    private static final Duration LONG = Duration.ofSeconds(90);
    /** {@code local} shows what a stream on A misses without the shared bus (every test here fails then). */
    private static final String BUS = System.getProperty("sandpod.test.live-updates-bus", "auto");
    /**
     * Above the 11 runs of the limit test: at the default of 5 queued or running runs per user, the sixth quick
     * submit is refused by that cap (also shared: it is kept in Mongo) before the per-minute limit is reached.
     */
    private static final int MAX_ACTIVE = 20;

    private static RedisProcess redis;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        first = new SpringApplicationBuilder(SandpodApplication.class)
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-live-a"),
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.redis.url=" + redis.url(),
                        "--spring.data.redis.url=" + redis.url(),
                        "--sandpod.live-updates.bus=" + BUS,
                        "--sandpod.execution.max-active-per-user=" + MAX_ACTIVE,
                        "--sandpod.security.trusted-proxies=127.0.0.1");
        Environment env = first.getEnvironment();
        second = new SpringApplicationBuilder(SandpodApplication.class, SecondOwner.class)
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-live-b"),
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.redis.url=" + redis.url(),
                        "--spring.data.redis.url=" + redis.url(),
                        "--sandpod.live-updates.bus=" + BUS,
                        "--sandpod.execution.max-active-per-user=" + MAX_ACTIVE,
                        "--sandpod.mongodb.uri=" + env.getProperty("spring.data.mongodb.uri"),
                        "--spring.data.mongodb.database=" + env.getProperty("spring.data.mongodb.database"),
                        "--sandpod.kafka.bootstrap-servers=" + env.getProperty("spring.kafka.bootstrap-servers"),
                        "--jobrunr.database.skip-create=true");
        // Only B stores frames and notifications from here on: A's streams can learn of them through Redis only.
        for (String name : List.of("executions", "notifications")) {
            processor(first, name).shutDown();
        }
        await().atMost(LONG).untilAsserted(() -> {
            for (String name : List.of("executions", "notifications")) {
                assertThat(processor(first, name).isRunning()).isFalse();
                assertThat(processor(second, name).processingStatus()).isNotEmpty();
            }
        });
    }

    /** A second pod's own node name: two instances in one JVM would otherwise both own every segment. */
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
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {second, first}) {
            if (context != null) {
                context.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static StreamingEventProcessor processor(ConfigurableApplicationContext context, String name) {
        return context.getBean(EventProcessingConfiguration.class)
                .eventProcessor(name, StreamingEventProcessor.class)
                .orElseThrow();
    }

    private static int portOf(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** The same new user, signed in on A ([0]) and on B ([1]). */
    private static ApiSession[] userOnBoth() {
        String name = "live-" + UUID.randomUUID().toString().substring(0, 8);
        ApiSession onA = ApiSession.register(portOf(first), name);
        ApiSession onB = ApiSession.login(portOf(second), name, "pw-" + name + "-123");
        return new ApiSession[] {onA, onB};
    }

    /** The lifecycle frames (those with an id) of a stream, in the order they came. */
    private static List<String> ids(List<JsonNode> frames) {
        return frames.stream()
                .filter(f -> !f.get("event_id").isNull())
                .map(f -> f.get("event_id").asText())
                .toList();
    }

    /** Every stored lifecycle frame of the run, as B has them once it has ended (an unknown id replays all). */
    private static List<JsonNode> storedFrames(ApiSession onB, String id) {
        return onB.stream(id, "none", LONG);
    }

    @Test
    void aRunSubmittedOnBStreamsToASubscriberOnAInOrderWithItsResult() {
        ApiSession[] user = userOnBoth();
        long receivedBefore = first.getBean(RedisLiveUpdates.class).received();
        String id = user[1].execute("import time\ntime.sleep(1)\nprint('from b')");

        List<JsonNode> onA = user[0].stream(id, null, LONG);

        JsonNode last = onA.get(onA.size() - 1);
        assertThat(last.get("event_type").asText()).isEqualTo("result_stored");
        assertThat(last.get("result").get("status").asText()).isEqualTo("completed");
        assertThat(last.get("result").get("stdout").asText()).isEqualTo("from b\n");
        assertThat(onA.get(0).get("event_type").asText()).isEqualTo("status");
        List<String> stored = ids(storedFrames(user[1], id));
        assertThat(stored).last().isEqualTo(last.get("event_id").asText());
        // in order, none twice, none missing after the first one the stream showed
        List<String> live = ids(onA);
        assertThat(live).doesNotHaveDuplicates();
        assertThat(stored.subList(stored.indexOf(live.get(0)), stored.size())).isEqualTo(live);
        assertThat(first.getBean(RedisLiveUpdates.class).received()).isGreaterThan(receivedBefore);
    }

    @Test
    void aStreamResumedWithLastEventIdOnTheOtherInstanceMissesNoFrame() {
        ApiSession[] user = userOnBoth();
        String id = user[1].execute("import time\ntime.sleep(2)\nprint('resumed')");
        // On A until the first lifecycle frame, then the client goes away.
        JsonNode firstFrame =
                user[0].frames(id).filter(f -> f.hasNonNull("event_id")).blockFirst(LONG);
        String lastSeen = firstFrame.get("event_id").asText();

        List<JsonNode> onB = user[1].stream(id, lastSeen, LONG);

        List<String> seen = new ArrayList<>();
        seen.add(lastSeen);
        seen.addAll(ids(onB));
        List<String> stored = ids(storedFrames(user[1], id));
        assertThat(seen).isEqualTo(stored.subList(stored.indexOf(lastSeen), stored.size()));
        JsonNode last = onB.get(onB.size() - 1);
        assertThat(last.get("event_type").asText()).isEqualTo("result_stored");
        assertThat(last.get("result").get("stdout").asText()).isEqualTo("resumed\n");
    }

    @Test
    void aNotificationCreatedOnBReachesTheStreamOnA() {
        ApiSession[] user = userOnBoth();
        List<ServerSentEvent<String>> events = new CopyOnWriteArrayList<>();
        Disposable stream = user[0].notificationEvents().subscribe(events::add);
        try {
            await().atMost(LONG).until(() -> events.stream().anyMatch(e -> "connected".equals(e.comment())));
            String id = user[1].execute("print('notify me')");

            await().atMost(LONG)
                    .untilAsserted(() -> assertThat(events)
                            .filteredOn(e -> "notification".equals(e.event()))
                            .anySatisfy(e -> assertThat(ApiSession.parse(e.data())
                                            .get("tags")
                                            .toString())
                                    .contains("execution:" + id)));
        } finally {
            stream.dispose();
        }
    }

    @Test
    void theEleventhQuickSubmitSpreadOverBothInstancesIsRefused() {
        ApiSession[] user = userOnBoth();
        Map<String, String> run = Map.of("script", "print(1)", "lang", "python", "lang_version", "3.11");
        for (int i = 0; i < 10; i++) {
            assertThat(user[i % 2].post("/api/v1/execute", run).status())
                    .as("submit %d", i + 1)
                    .isEqualTo(200);
        }

        ApiSession.Reply eleventh = user[0].post("/api/v1/execute", run);

        assertThat(eleventh.status()).isEqualTo(429);
        assertThat(eleventh.body().get("type").asText()).isEqualTo("RateLimitExceeded");
        assertThat(user[1].post("/api/v1/execute", run).status()).isEqualTo(429);
    }

    /** The system settings are shared: a password minimum raised by an admin on B holds for a sign-up on A. */
    @Test
    void aSystemSettingChangedOnBHoldsOnA() {
        ApiSession admin = ApiSession.login(portOf(second), "admin", "admin123");
        assertThat(admin.put("/api/v1/admin/settings", Map.of("password_min_length", 30))
                        .status())
                .isEqualTo(200);
        try {
            await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                String name = "short-" + UUID.randomUUID().toString().substring(0, 8);
                // each try from an address of its own: sign-ups count against the per-address sign-in limit
                String address = "10.18." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250);
                var reply = ApiSession.clientFor(portOf(first))
                        .post()
                        .uri("/api/v1/auth/register")
                        .header("X-Forwarded-For", address)
                        .bodyValue(Map.of(
                                "username", name, "email", name + "@example.test", "password", "twenty-characters-pw"))
                        .exchangeToMono(r -> r.bodyToMono(String.class)
                                .defaultIfEmpty("")
                                .map(body -> Map.entry(r.statusCode().value(), body)))
                        .block(Duration.ofSeconds(30));
                assertThat(reply.getKey()).as(reply.getValue()).isEqualTo(422);
                assertThat(reply.getValue()).contains("30");
            });
        } finally {
            // back to the default, and only once it holds: the next test signs up with a shorter password
            admin.put("/api/v1/admin/settings", Map.of("password_min_length", 8));
            await().atMost(LONG)
                    .untilAsserted(() -> assertThat(admin.get("/api/v1/admin/settings")
                                    .body()
                                    .get("password_min_length")
                                    .asInt())
                            .isEqualTo(8));
        }
    }
}
