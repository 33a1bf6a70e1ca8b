package dev.sandpod.web.settings;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.Quantities;
import dev.sandpod.api.settings.ResetSystemSettingsCommand;
import dev.sandpod.api.settings.SettingsIds;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.settings.UpdateSystemSettingsCommand;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.support.Origin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The system settings, admins only: read, change, reset. Fields left out of a PUT keep their current value;
 * every change is one event, and takes effect on the next execution.
 */
@RestController
@Tag(name = "Admin: settings", description = "The system settings (admins)")
class SystemSettingsController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> LOG_LEVELS = Set.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");

    private final CommandGateway commands;
    private final QueryGateway queries;

    SystemSettingsController(CommandGateway commands, QueryGateway queries) {
        this.commands = commands;
        this.queries = queries;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "SystemSettingsUpdate", description = "Fields left out keep their value")
    record SettingsRequest(
            Integer maxTimeoutSeconds,
            String memoryLimit,
            String cpuLimit,
            Integer maxConcurrentExecutions,
            Integer passwordMinLength,
            Integer sessionTimeoutMinutes,
            Integer maxLoginAttempts,
            Integer lockoutDurationMinutes,
            Integer metricsRetentionDays,

            @Schema(allowableValues = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
            String logLevel,

            Boolean enableTracing,
            Double samplingRate) {}

    @GetMapping({"/api/v1/admin/settings", "/api/v1/admin/settings/"})
    @Operation(summary = "The system settings in force")
    @ApiResponse(responseCode = "200", description = "The settings")
    Mono<SystemSettings> settings() {
        return current();
    }

    @PutMapping({"/api/v1/admin/settings", "/api/v1/admin/settings/"})
    @Operation(summary = "Change system settings; they apply from the next execution on")
    @ApiResponse(responseCode = "200", description = "The settings as changed")
    Mono<SystemSettings> update(@RequestBody SettingsRequest request, Caller caller, ServerHttpRequest http) {
        return current().flatMap(now -> {
            SystemSettings next = merge(now, request);
            return Mono.fromFuture(() -> commands.send(Origin.command(
                            new UpdateSystemSettingsCommand(SettingsIds.SYSTEM, next, caller.userId()), caller, http)))
                    .timeout(TIMEOUT)
                    .thenReturn(next);
        });
    }

    @PostMapping({"/api/v1/admin/settings/reset", "/api/v1/admin/settings/reset/"})
    @Operation(summary = "Put every system setting back to its default")
    @ApiResponse(responseCode = "200", description = "The defaults, now in force")
    Mono<SystemSettings> reset(Caller caller, ServerHttpRequest http) {
        return Mono.fromFuture(() -> commands.send(Origin.command(
                        new ResetSystemSettingsCommand(SettingsIds.SYSTEM, caller.userId()), caller, http)))
                .timeout(TIMEOUT)
                .thenReturn(SystemSettings.DEFAULTS);
    }

    private Mono<SystemSettings> current() {
        return Mono.fromFuture(() -> queries.query(new FindSystemSettingsQuery(), SystemSettings.class))
                .timeout(TIMEOUT)
                .defaultIfEmpty(SystemSettings.DEFAULTS);
    }

    static SystemSettings merge(SystemSettings now, SettingsRequest r) {
        List<Violation> problems = new ArrayList<>();
        int maxTimeout =
                range(problems, "max_timeout_seconds", r.maxTimeoutSeconds(), now.maxTimeoutSeconds(), 1, 3600);
        String memory =
                r.memoryLimit() == null ? now.memoryLimit() : r.memoryLimit().trim();
        try {
            long bytes = Quantities.bytes(memory);
            if (bytes < 16L * 1024 * 1024) {
                problems.add(violation("memory_limit", "memory_limit must be at least 16Mi"));
            }
        } catch (IllegalArgumentException e) {
            problems.add(violation("memory_limit", "memory_limit must look like 128Mi or 1Gi"));
        }
        String cpu = r.cpuLimit() == null ? now.cpuLimit() : r.cpuLimit().trim();
        try {
            Quantities.millicores(cpu);
        } catch (IllegalArgumentException e) {
            problems.add(violation("cpu_limit", "cpu_limit must look like 500m or 2"));
        }
        int maxConcurrent = range(
                problems,
                "max_concurrent_executions",
                r.maxConcurrentExecutions(),
                now.maxConcurrentExecutions(),
                1,
                100);
        int passwordMin = range(problems, "password_min_length", r.passwordMinLength(), now.passwordMinLength(), 8, 32);
        int session = range(
                problems, "session_timeout_minutes", r.sessionTimeoutMinutes(), now.sessionTimeoutMinutes(), 5, 1440);
        int attempts = range(problems, "max_login_attempts", r.maxLoginAttempts(), now.maxLoginAttempts(), 3, 10);
        int lockout = range(
                problems, "lockout_duration_minutes", r.lockoutDurationMinutes(), now.lockoutDurationMinutes(), 5, 60);
        int retention =
                range(problems, "metrics_retention_days", r.metricsRetentionDays(), now.metricsRetentionDays(), 7, 90);
        String logLevel = r.logLevel() == null ? now.logLevel() : r.logLevel();
        if (!LOG_LEVELS.contains(logLevel)) {
            problems.add(violation("log_level", "log_level must be one of " + LOG_LEVELS));
        }
        double sampling = r.samplingRate() == null ? now.samplingRate() : r.samplingRate();
        if (sampling < 0 || sampling > 1) {
            problems.add(violation("sampling_rate", "sampling_rate must be between 0 and 1"));
        }
        if (!problems.isEmpty()) {
            throw new RequestValidationException(problems);
        }
        return new SystemSettings(
                maxTimeout,
                memory,
                cpu,
                maxConcurrent,
                passwordMin,
                session,
                attempts,
                lockout,
                retention,
                logLevel,
                r.enableTracing() == null ? now.enableTracing() : r.enableTracing(),
                sampling);
    }

    private static int range(List<Violation> problems, String field, Integer value, int current, int min, int max) {
        int v = value == null ? current : value;
        if (v < min || v > max) {
            problems.add(violation(field, field + " must be between " + min + " and " + max));
        }
        return v;
    }

    private static Violation violation(String field, String msg) {
        return new Violation(List.of("body", field), msg, "value_error");
    }
}
