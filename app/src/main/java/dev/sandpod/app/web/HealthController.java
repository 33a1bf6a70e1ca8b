package dev.sandpod.app.web;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /health/live}: answers without touching any dependency (SPEC §11). */
@RestController
@RequestMapping("/api/v1/health")
class HealthController {

    private final Instant started = Instant.now();

    @GetMapping("/live")
    Map<String, Object> live() {
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("uptime_seconds", Duration.between(started, now).toSeconds());
        body.put("timestamp", now.toString());
        return body;
    }
}
