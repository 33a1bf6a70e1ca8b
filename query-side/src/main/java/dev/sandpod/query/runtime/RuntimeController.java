package dev.sandpod.query.runtime;

import dev.sandpod.api.runtime.LanguageInfo;
import dev.sandpod.api.runtime.RuntimeCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What can be run here and within which limits (SPEC §3.2). */
@RestController
@RequestMapping("/api/v1")
class RuntimeController {

    private final RuntimeCatalog runtimes;
    private final ExampleScripts examples;
    private final int timeoutSeconds;
    private final DataSize memory;
    private final int cpuMillis;

    RuntimeController(RuntimeCatalog runtimes, ExampleScripts examples,
            @Value("${sandpod.execution.timeout-seconds:10}") int timeoutSeconds,
            @Value("${sandpod.execution.memory:128MB}") DataSize memory,
            @Value("${sandpod.execution.cpu-millis:1000}") int cpuMillis) {
        this.runtimes = runtimes;
        this.examples = examples;
        this.timeoutSeconds = timeoutSeconds;
        this.memory = memory;
        this.cpuMillis = cpuMillis;
    }

    record LimitsResponse(String cpuLimit, String memoryLimit, String cpuRequest, String memoryRequest,
            int executionTimeout, Map<String, LanguageInfo> supportedRuntimes, String runner) {
    }

    record ExampleScriptsResponse(Map<String, String> scripts) {
    }

    @GetMapping("/k8s-limits")
    LimitsResponse limits() {
        String cpu = cpuMillis + "m";
        String mem = memory.toMegabytes() + "Mi";
        return new LimitsResponse(cpu, mem, cpu, mem, timeoutSeconds, runtimes.supportedRuntimes(),
                runtimes.runnerKind());
    }

    @GetMapping("/example-scripts")
    ExampleScriptsResponse examples() {
        return new ExampleScriptsResponse(new LinkedHashMap<>(examples.all()));
    }
}
