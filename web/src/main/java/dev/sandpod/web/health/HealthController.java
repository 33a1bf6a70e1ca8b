package dev.sandpod.web.health;

import dev.sandpod.executor.sandbox.SandboxCapabilities;
import dev.sandpod.web.apidocs.Addition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.bson.Document;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /health/live} answers without touching any dependency; {@code GET /health/ready} is 200 only
 * when the event store, Kafka and (when SANDPOD_REDIS_URL is set) Redis answer within the check timeout (503 naming
 * what is down), and reports the sandbox's enforcement.
 */
@RestController
@RequestMapping("/api/v1/health")
@Tag(name = "Health", description = "For probes: alive, and ready to serve")
class HealthController {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    private final Instant started = Instant.now();
    private final MongoTemplate mongo;
    private final KafkaAdmin kafka;
    private final ObjectProvider<SandboxCapabilities> sandbox;
    private final ReactiveRedisConnectionFactory redis;

    HealthController(
            MongoTemplate mongo,
            KafkaAdmin kafka,
            ObjectProvider<SandboxCapabilities> sandbox,
            ObjectProvider<ReactiveRedisConnectionFactory> redis,
            @Value("${sandpod.redis.url:}") String redisUrl) {
        this.mongo = mongo;
        this.kafka = kafka;
        this.sandbox = sandbox;
        // Redis is a dependency only when it is configured; Boot's connection factory exists either way.
        this.redis = redisUrl == null || redisUrl.isBlank() ? null : redis.getIfAvailable();
    }

    /** The liveness answer, for the API document (the handler writes the same fields from a map). */
    @Schema(name = "LivenessResponse")
    record Liveness(@Schema(allowableValues = "ok") String status, long uptimeSeconds, Instant timestamp) {}

    /** The readiness answer, for the API document (the handler writes the same fields from a map). */
    @Schema(name = "ReadinessResponse")
    record Readiness(
            @Schema(allowableValues = {"ready", "not_ready"})
            String status,

            @Schema(description = "Per dependency (event_store, kafka, sandbox): ok, or down and why")
            Map<String, String> checks,

            @Schema(
                    requiredMode = Schema.RequiredMode.NOT_REQUIRED,
                    description = "What the local sandbox enforces (when runs are local)")
            Map<String, Object> sandbox,

            Instant timestamp) {}

    @GetMapping("/live")
    @Operation(summary = "Alive: answers without touching any dependency")
    @ApiResponse(
            responseCode = "200",
            description = "Alive",
            content = @Content(schema = @Schema(implementation = Liveness.class)))
    Map<String, Object> live() {
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("uptime_seconds", Duration.between(started, now).toSeconds());
        body.put("timestamp", now.toString());
        return body;
    }

    @GetMapping("/ready")
    @Addition
    @Operation(summary = "Ready: the event store and Kafka answer (and the sandbox works, for local runs)")
    @ApiResponse(
            responseCode = "200",
            description = "Ready",
            content = @Content(schema = @Schema(implementation = Readiness.class)))
    @ApiResponse(
            responseCode = "503",
            description = "Not ready: the checks say what is down",
            content = @Content(schema = @Schema(implementation = Readiness.class)))
    Mono<ResponseEntity<Map<String, Object>>> ready() {
        Mono<String> eventStore = check(() -> mongo.executeCommand(new Document("ping", 1)));
        Mono<String> broker = check(() -> {
            try (AdminClient admin = AdminClient.create(kafka.getConfigurationProperties())) {
                return admin.describeCluster().nodes().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
        Mono<String> sharedState = redis == null
                ? Mono.just("")
                : check(() -> {
                    var connection = redis.getReactiveConnection();
                    try {
                        return connection.ping().block(CHECK_TIMEOUT);
                    } finally {
                        connection.closeLater().subscribe();
                    }
                });
        return Mono.zip(eventStore, broker, sharedState).map(results -> {
            Map<String, Object> checks = new LinkedHashMap<>();
            checks.put("event_store", results.getT1());
            checks.put("kafka", results.getT2());
            if (redis != null) {
                checks.put("redis", results.getT3());
            }
            SandboxCapabilities capabilities = sandbox.getIfAvailable();
            if (capabilities != null) {
                checks.put("sandbox", capabilities.available() ? "ok" : "down: " + capabilities.problem());
            }
            boolean ready = checks.values().stream().allMatch("ok"::equals);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ready ? "ready" : "not_ready");
            body.put("checks", checks);
            if (capabilities != null) {
                body.put("sandbox", capabilities.details());
            }
            body.put("timestamp", Instant.now().toString());
            return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                    .body(body);
        });
    }

    private static Mono<String> check(java.util.concurrent.Callable<?> probe) {
        return Mono.fromCallable(probe)
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(CHECK_TIMEOUT)
                .map(ok -> "ok")
                .onErrorResume(e -> Mono.just("down: " + e.getClass().getSimpleName()));
    }
}
