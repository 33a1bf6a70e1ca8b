package dev.sandpod.web.runtime;

import dev.sandpod.api.runtime.LanguageInfo;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.query.runtime.ExampleScripts;
import dev.sandpod.web.apidocs.Addition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** What can be run here and within which limits (see the README): the runner's real runtimes and the settings in force. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Runtimes", description = "What can be run here, within which limits, and an example per language")
class RuntimeController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RuntimeCatalog runtimes;
    private final ExampleScripts examples;
    private final QueryGateway queries;
    private final int timeoutSeconds;

    RuntimeController(
            RuntimeCatalog runtimes,
            ExampleScripts examples,
            QueryGateway queries,
            @Value("${sandpod.execution.timeout-seconds:10}") int timeoutSeconds) {
        this.runtimes = runtimes;
        this.examples = examples;
        this.queries = queries;
        this.timeoutSeconds = timeoutSeconds;
    }

    @Schema(name = "ResourceLimits")
    record LimitsResponse(
            String cpuLimit,
            String memoryLimit,
            String cpuRequest,
            String memoryRequest,
            @Schema(description = "Seconds a run may take") int executionTimeout,

            @Schema(description = "Per language, the versions that can run here")
            Map<String, LanguageInfo> supportedRuntimes,

            @Addition @Schema(description = "Where runs happen: local (a sandbox on this machine) or kubernetes")
            String runner) {}

    @Schema(name = "ExampleScripts")
    record ExampleScriptsResponse(
            @Schema(description = "Per language, a script to start from")
            Map<String, String> scripts) {}

    @GetMapping("/k8s-limits")
    @Operation(summary = "The limits every run gets, and the runtimes that can run")
    @ApiResponse(responseCode = "200", description = "The limits in force")
    Mono<LimitsResponse> limits() {
        return Mono.fromFuture(() -> queries.query(new FindSystemSettingsQuery(), SystemSettings.class))
                .timeout(TIMEOUT)
                .defaultIfEmpty(SystemSettings.DEFAULTS)
                .map(settings -> new LimitsResponse(
                        settings.cpuLimit(),
                        settings.memoryLimit(),
                        settings.cpuLimit(),
                        settings.memoryLimit(),
                        Math.min(timeoutSeconds, settings.maxTimeoutSeconds()),
                        runtimes.supportedRuntimes(),
                        runtimes.runnerKind()));
    }

    @GetMapping("/example-scripts")
    @Operation(summary = "An example script per language")
    @ApiResponse(responseCode = "200", description = "The examples")
    ExampleScriptsResponse examples() {
        return new ExampleScriptsResponse(new LinkedHashMap<>(examples.all()));
    }
}
