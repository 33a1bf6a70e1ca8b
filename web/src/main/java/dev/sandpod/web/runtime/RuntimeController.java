package dev.sandpod.web.runtime;

import dev.sandpod.api.runtime.LanguageInfo;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.api.settings.FindSystemSettingsQuery;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.query.runtime.ExampleScripts;
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

    record LimitsResponse(
            String cpuLimit,
            String memoryLimit,
            String cpuRequest,
            String memoryRequest,
            int executionTimeout,
            Map<String, LanguageInfo> supportedRuntimes,
            String runner) {}

    record ExampleScriptsResponse(Map<String, String> scripts) {}

    @GetMapping("/k8s-limits")
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
    ExampleScriptsResponse examples() {
        return new ExampleScriptsResponse(new LinkedHashMap<>(examples.all()));
    }
}
