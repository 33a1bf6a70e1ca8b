package dev.sandpod.app.roles;

import dev.sandpod.executor.sandbox.SandboxCapabilities;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Health of an executor-only instance, on the same paths and in the same shape as the API's
 * ({@code dev.sandpod.web.health.HealthController}): live without touching anything; ready when Kafka answers and
 * (for local runs) the sandbox works. There is no event store to check.
 */
@RestController
@ConditionalOnProperty(ExecutorOnlyApplication.MARKER)
@RequestMapping("/api/v1/health")
class ExecutorHealthController {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    private final Instant started = Instant.now();
    private final KafkaAdmin kafka;
    private final ObjectProvider<SandboxCapabilities> sandbox;

    ExecutorHealthController(KafkaAdmin kafka, ObjectProvider<SandboxCapabilities> sandbox) {
        this.kafka = kafka;
        this.sandbox = sandbox;
    }

    @GetMapping("/live")
    Map<String, Object> live() {
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("roles", "executor");
        body.put("uptime_seconds", Duration.between(started, now).toSeconds());
        body.put("timestamp", now.toString());
        return body;
    }

    @GetMapping("/ready")
    Mono<ResponseEntity<Map<String, Object>>> ready() {
        return Mono.fromCallable(() -> {
                    try (AdminClient admin = AdminClient.create(kafka.getConfigurationProperties())) {
                        return admin.describeCluster().nodes().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(CHECK_TIMEOUT.multipliedBy(2))
                .map(nodes -> "ok")
                .onErrorResume(e -> Mono.just("down: " + e.getClass().getSimpleName()))
                .map(broker -> {
                    Map<String, Object> checks = new LinkedHashMap<>();
                    checks.put("kafka", broker);
                    SandboxCapabilities capabilities = sandbox.getIfAvailable();
                    if (capabilities != null) {
                        checks.put("sandbox", capabilities.available() ? "ok" : "down: " + capabilities.problem());
                    }
                    boolean ready = checks.values().stream().allMatch("ok"::equals);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("status", ready ? "ready" : "not_ready");
                    body.put("roles", "executor");
                    body.put("checks", checks);
                    if (capabilities != null) {
                        body.put("sandbox", capabilities.details());
                    }
                    body.put("timestamp", Instant.now().toString());
                    return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                            .body(body);
                });
    }
}
