package dev.sandpod.web.notification;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.notification.BroadcastAudience;
import dev.sandpod.api.notification.NotificationIds;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSource;
import dev.sandpod.api.notification.PublishBroadcastCommand;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.support.Origin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Notifications that are not about one user's execution: admins' announcements, and Grafana
 * alerts turned into notifications for the admins. Both publish a broadcast; the notification policy fans
 * it out to its audience, each recipient's settings and subscriptions applied.
 */
@RestController
@Tag(name = "Notifications")
class BroadcastController {

    static final String GRAFANA_SECRET_HEADER = "X-Grafana-Secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_SUBJECT = 200;
    private static final int MAX_BODY = 5_000;
    private static final int MAX_TAGS = 20;
    private static final int MAX_ALERTS = 100;

    private final CommandGateway commands;
    private final NotificationWebProperties properties;

    BroadcastController(CommandGateway commands, NotificationWebProperties properties) {
        this.commands = commands;
        this.properties = properties;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "AnnouncementRequest")
    record AnnouncementRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = MAX_SUBJECT)
            String subject,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = MAX_BODY)
            String body,

            @Schema(implementation = NotificationSeverity.class, defaultValue = "medium")
            String severity,

            List<String> tags,

            @Schema(description = "A path of this site or an https URL", defaultValue = "/notifications")
            String actionUrl,

            @Schema(
                    allowableValues = {"all", "admins"},
                    defaultValue = "all")
            String audience) {}

    @Schema(name = "AnnouncementResponse")
    record AnnouncementResponse(String broadcastId, String message) {}

    @Schema(name = "AlertsResponse")
    record AlertsResponse(String message, int alertsReceived, int duplicates) {}

    /** Admin only (the security filter guards {@code /admin}; checked here again). */
    @PostMapping({"/api/v1/admin/notifications/announcements", "/api/v1/admin/notifications/announcements/"})
    @Addition
    @Operation(summary = "Announce something to every user (or to the admins), as a notification")
    @ApiResponse(responseCode = "200", description = "Published")
    Mono<AnnouncementResponse> announce(
            @RequestBody AnnouncementRequest request, Caller caller, ServerHttpRequest http) {
        if (!caller.isAdmin()) {
            return Mono.error(new SandpodException(ErrorCode.ADMIN_REQUIRED, "Admin access required"));
        }
        return Mono.fromCallable(() -> announcement(request, caller))
                .flatMap(command -> Mono.fromFuture(() -> commands.send(Origin.command(command, caller, http)))
                        .timeout(TIMEOUT)
                        .thenReturn(new AnnouncementResponse(command.broadcastId(), "Announcement published")));
    }

    /**
     * Grafana's webhook contact point. Authenticated by a shared secret ({@code X-Grafana-Secret}, or
     * {@code Authorization: Bearer <secret>}), not by a session. The same alert state sent again (Grafana
     * repeats firing alerts) is recognised by its fingerprint and start and notifies nobody twice.
     */
    @PostMapping({"/api/v1/alerts/grafana", "/api/v1/alerts/grafana/"})
    @Addition
    @Operation(
            summary = "Grafana's alert webhook: alerts become notifications for the admins",
            description = "Takes Grafana's unified alerting payload (`alerts[]`) or a legacy single alert. An alert "
                    + "state sent again is recognised and notifies nobody twice.")
    @ApiResponse(responseCode = "200", description = "Received")
    @ApiResponse(responseCode = "503", description = "Alert intake is not configured (no secret set)")
    Mono<AlertsResponse> grafana(
            @RequestBody @Schema(type = "object", description = "Grafana's webhook payload") JsonNode payload,
            @RequestHeader(name = GRAFANA_SECRET_HEADER, required = false) String secretHeader,
            @RequestHeader(name = "Authorization", required = false) String authorization,
            ServerHttpRequest http) {
        String expected = properties.grafanaSecret();
        if (expected == null || expected.isBlank()) {
            return Mono.error(new SandpodException(ErrorCode.SERVICE_UNAVAILABLE, "Alert intake is not configured"));
        }
        String given = secretHeader != null
                ? secretHeader
                : authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                        ? authorization.substring(7).trim()
                        : null;
        if (given == null
                || !MessageDigest.isEqual(
                        given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            return Mono.error(new SandpodException(ErrorCode.UNAUTHORIZED, "Invalid alert secret"));
        }
        return Mono.fromCallable(() -> alerts(payload))
                .flatMap(alerts -> Flux.fromIterable(alerts)
                        .concatMap(command -> Mono.fromFuture(() -> commands.send(Origin.command(command, null, http)))
                                .timeout(TIMEOUT)
                                .thenReturn(false)
                                .onErrorResume(BroadcastController::alreadyPublished, e -> Mono.just(true)))
                        .filter(duplicate -> duplicate)
                        .count()
                        .map(duplicates ->
                                new AlertsResponse("Alerts received", alerts.size(), duplicates.intValue())));
    }

    private static boolean alreadyPublished(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof AggregateStreamCreationException || e instanceof ConcurrencyException) {
                return true;
            }
            if (e.getCause() == e) {
                break;
            }
        }
        return false;
    }

    private static PublishBroadcastCommand announcement(AnnouncementRequest r, Caller caller) {
        List<Violation> problems = new ArrayList<>();
        if (r.subject() == null || r.subject().isBlank() || r.subject().length() > MAX_SUBJECT) {
            problems.add(violation("subject", "subject must be 1 to " + MAX_SUBJECT + " characters"));
        }
        if (r.body() == null || r.body().length() > MAX_BODY) {
            problems.add(violation("body", "body must be at most " + MAX_BODY + " characters"));
        }
        NotificationSeverity severity = NotificationSeverity.MEDIUM;
        if (r.severity() != null) {
            try {
                severity = NotificationSeverity.fromWire(r.severity());
            } catch (IllegalArgumentException e) {
                problems.add(violation("severity", "Input should be 'low', 'medium', 'high' or 'urgent'"));
            }
        }
        BroadcastAudience audience = BroadcastAudience.ALL;
        if (r.audience() != null) {
            try {
                audience = BroadcastAudience.fromWire(r.audience());
            } catch (IllegalArgumentException e) {
                problems.add(violation("audience", "Input should be 'all' or 'admins'"));
            }
        }
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        tags.add("announcement");
        if (r.tags() != null) {
            if (r.tags().size() > MAX_TAGS) {
                problems.add(violation("tags", "At most " + MAX_TAGS + " tags"));
            }
            r.tags().stream()
                    .filter(t -> t != null && !t.isBlank() && t.length() <= 50)
                    .map(String::trim)
                    .forEach(tags::add);
        }
        if (r.actionUrl() != null
                && !(r.actionUrl().startsWith("/") && !r.actionUrl().startsWith("//"))
                && !r.actionUrl().startsWith("https://")) {
            problems.add(violation("action_url", "action_url must be a path of this site or an https URL"));
        }
        if (!problems.isEmpty()) {
            throw new RequestValidationException(problems);
        }
        return new PublishBroadcastCommand(
                UUID.randomUUID().toString(),
                NotificationSource.ANNOUNCEMENT,
                audience,
                r.subject().trim(),
                r.body(),
                severity,
                List.copyOf(tags),
                r.actionUrl() == null ? "/notifications" : r.actionUrl(),
                caller.userId());
    }

    /** Grafana's unified alerting payload ({@code alerts[]}), or the legacy single-alert one. */
    private static List<PublishBroadcastCommand> alerts(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw RequestValidationException.of("body", "alerts", "Expected a Grafana alert notification object");
        }
        List<JsonNode> alerts = new ArrayList<>();
        if (payload.has("alerts")) {
            if (!payload.get("alerts").isArray()) {
                throw RequestValidationException.of("body", "alerts", "alerts must be a list");
            }
            payload.get("alerts").forEach(alerts::add);
        } else if (payload.hasNonNull("title") || payload.hasNonNull("ruleName")) {
            alerts.add(payload);
        }
        if (alerts.isEmpty() || alerts.size() > MAX_ALERTS) {
            throw RequestValidationException.of("body", "alerts", "Expected 1 to " + MAX_ALERTS + " alerts");
        }
        List<PublishBroadcastCommand> commands = new ArrayList<>();
        for (JsonNode alert : alerts) {
            JsonNode labels = alert.path("labels");
            JsonNode annotations = alert.path("annotations");
            String status = text(alert, "status", text(payload, "status", text(alert, "state", "firing")))
                    .toLowerCase(Locale.ROOT);
            String name = text(
                    labels,
                    "alertname",
                    text(alert, "ruleName", text(alert, "title", text(payload, "title", "Grafana alert"))));
            String summary = text(annotations, "summary", text(alert, "message", text(payload, "message", "")));
            String description = text(annotations, "description", "");
            String body = description.isBlank() || description.equals(summary)
                    ? summary
                    : summary.isBlank() ? description : summary + "\n" + description;
            boolean resolved = "resolved".equals(status) || "ok".equals(status);
            NotificationSeverity severity = resolved
                    ? NotificationSeverity.LOW
                    : severity(text(labels, "severity", text(labels, "priority", "")));
            String fingerprint = text(alert, "fingerprint", name + "/" + text(labels, "instance", ""));
            String startsAt = text(alert, "startsAt", "");
            String link = text(alert, "generatorURL", text(alert, "ruleUrl", ""));
            List<String> tags = List.of("alert", "grafana", resolved ? "resolved" : "firing");
            commands.add(new PublishBroadcastCommand(
                    NotificationIds.forCause("grafana/" + fingerprint + "/" + status + "/" + startsAt, "admins"),
                    NotificationSource.ALERT,
                    BroadcastAudience.ADMINS,
                    clip("[" + (resolved ? "RESOLVED" : "FIRING") + "] " + name, MAX_SUBJECT),
                    clip(body, MAX_BODY),
                    severity,
                    tags,
                    link.startsWith("https://") || link.startsWith("http://") ? link : "/notifications",
                    "grafana"));
        }
        return commands;
    }

    private static NotificationSeverity severity(String label) {
        return switch (label.toLowerCase(Locale.ROOT)) {
            case "critical", "urgent", "page", "p1", "emergency" -> NotificationSeverity.URGENT;
            case "warning", "warn", "medium", "p3" -> NotificationSeverity.MEDIUM;
            case "info", "low", "none", "p4", "p5" -> NotificationSeverity.LOW;
            default -> NotificationSeverity.HIGH;
        };
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? fallback : value.asText();
    }

    private static String clip(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }

    private static Violation violation(String field, String msg) {
        return new Violation(List.of("body", field), msg, "value_error");
    }
}
