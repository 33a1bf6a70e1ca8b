package dev.sandpod.web.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.sandpod.embedded.kafka.EmbeddedKafkaBroker;
import dev.sandpod.embedded.mongo.EmbeddedMongoServer;
import dev.sandpod.executor.sandbox.SandboxCapabilities;
import dev.sandpod.web.ratelimit.RedisProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Readiness against real dependencies that the test stops: a Mongo-wire event store, a Kafka broker and Redis.
 * Each stopped dependency turns {@code /health/ready} into 503 naming it, within 5 s; the event store's return
 * turns it back into 200.
 */
class HealthControllerTest {

    private static final Duration WITHIN = Duration.ofSeconds(5);

    private static Path dir;
    private static int mongoPort;
    private static EmbeddedMongoServer mongoServer;
    private static MongoClient mongoClient;
    private static EmbeddedKafkaBroker broker;
    private static RedisProcess redis;
    private static LettuceConnectionFactory redisConnections;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("sandpod-health");
        int[] ports = EmbeddedKafkaBroker.freePorts(3);
        mongoPort = ports[2];
        mongoServer = EmbeddedMongoServer.start(dir.resolve("mongo"), mongoPort);
        mongoClient = MongoClients.create(mongoServer.uri());
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), ports[0], ports[1]);
        redis = RedisProcess.start();
        redisConnections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
        redisConnections.afterPropertiesSet();
        redisConnections.start();
    }

    @AfterAll
    static void stop() {
        redisConnections.destroy();
        redis.close();
        broker.close();
        mongoClient.close();
        if (mongoServer != null) {
            mongoServer.close();
        }
    }

    private static HealthController controller(String bootstrapServers, boolean withRedis) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        if (withRedis) {
            beans.registerSingleton("redis", redisConnections);
        }
        ObjectProvider<SandboxCapabilities> noSandbox = beans.getBeanProvider(SandboxCapabilities.class);
        ObjectProvider<ReactiveRedisConnectionFactory> redisProvider =
                beans.getBeanProvider(ReactiveRedisConnectionFactory.class);
        return new HealthController(
                new MongoTemplate(mongoClient, EmbeddedMongoServer.DATABASE),
                new KafkaAdmin(Map.of("bootstrap.servers", bootstrapServers)),
                noSandbox,
                redisProvider,
                withRedis ? redis.url() : "");
    }

    private static Timed ready(HealthController controller) {
        long started = System.nanoTime();
        ResponseEntity<Map<String, Object>> response = controller.ready().block(Duration.ofSeconds(30));
        return new Timed(response, Duration.ofNanos(System.nanoTime() - started));
    }

    record Timed(ResponseEntity<Map<String, Object>> response, Duration took) {
        int status() {
            return response.getStatusCode().value();
        }

        String check(String name) {
            return String.valueOf(((Map<?, ?>) response.getBody().get("checks")).get(name));
        }
    }

    @Test
    void allUpIsReadyAndNamesEachCheck() {
        Timed up = ready(controller(broker.bootstrapServers(), true));
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.check("event_store")).isEqualTo("ok");
        assertThat(up.check("kafka")).isEqualTo("ok");
        assertThat(up.check("redis")).isEqualTo("ok");
    }

    @Test
    void redisIsCheckedOnlyWhenConfigured() {
        Timed up = ready(controller(broker.bootstrapServers(), false));
        assertThat(up.status()).isEqualTo(200);
        assertThat(((Map<?, ?>) up.response().getBody().get("checks")).containsKey("redis"))
                .isFalse();
    }

    @Test
    void anUnreachableBrokerIs503NamingKafkaWithinFiveSeconds() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Timed down = ready(controller("127.0.0.1:" + closed, false));
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.took()).isLessThan(WITHIN);
        assertThat(down.check("kafka")).startsWith("down");
        assertThat(down.check("event_store")).isEqualTo("ok");
    }

    @Test
    void stoppingTheEventStoreIs503NamingItWithinFiveSecondsAnd200AfterItReturns() {
        HealthController controller = controller(broker.bootstrapServers(), false);
        assertThat(ready(controller).status()).isEqualTo(200);

        mongoServer.close();
        mongoServer = null;
        Timed down = ready(controller);
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.took()).isLessThan(WITHIN);
        assertThat(down.check("event_store")).startsWith("down");
        assertThat(down.check("kafka")).isEqualTo("ok");

        mongoServer = EmbeddedMongoServer.start(dir.resolve("mongo"), mongoPort);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ready(controller).status()).isEqualTo(200));
    }

    @Test
    void stoppingRedisIs503NamingItWithinFiveSeconds() throws Exception {
        RedisProcess own = RedisProcess.start();
        LettuceConnectionFactory connections =
                new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", own.port()));
        connections.afterPropertiesSet();
        connections.start();
        try {
            DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
            beans.registerSingleton("redis", connections);
            HealthController controller = new HealthController(
                    new MongoTemplate(mongoClient, EmbeddedMongoServer.DATABASE),
                    new KafkaAdmin(Map.of("bootstrap.servers", broker.bootstrapServers())),
                    beans.getBeanProvider(SandboxCapabilities.class),
                    beans.getBeanProvider(ReactiveRedisConnectionFactory.class),
                    own.url());
            assertThat(ready(controller).status()).isEqualTo(200);

            own.close();
            Timed down = ready(controller);
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.took()).isLessThan(WITHIN);
            assertThat(down.check("redis")).startsWith("down");
        } finally {
            connections.destroy();
            own.close();
        }
    }
}
