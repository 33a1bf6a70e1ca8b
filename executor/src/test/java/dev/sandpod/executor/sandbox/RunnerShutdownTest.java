package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RunnerShutdownTest {

    @Test
    void closingTheRunnerKillsRunningSandboxesAndReportsThemFailed() {
        LocalSandboxRunner runner = TestRunners.runner();
        LocalRuntimeCatalog catalog = TestRunners.catalog(runner);
        String marker = "765.4321";
        List<String> frames = Collections.synchronizedList(new ArrayList<>());
        SandboxRun run = runner.prepare(
                RunSpec.of(
                        "shutdown",
                        catalog.resolve("bash", "5.2").orElseThrow(),
                        "sleep " + marker + " &\necho up\nwait\n",
                        SandboxLimits.defaults().withTimeout(Duration.ofSeconds(60))),
                (stream, text) -> frames.add(text));
        CompletableFuture<RunResult> result = CompletableFuture.supplyAsync(run::execute);
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.contains("up\n"));

        runner.close();

        RunResult r = result.join();
        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("system_error");
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info()
                                .arguments()
                                .map(args -> List.of(args).contains(marker))
                                .orElse(false)))
                .isEmpty();
        assertThat(runner.prepare(
                                RunSpec.of(
                                        "after",
                                        catalog.resolve("bash", "5.2").orElseThrow(),
                                        "echo no",
                                        SandboxLimits.defaults()),
                                OutputSink.NONE)
                        .execute()
                        .outcome())
                .isEqualTo(RunResult.Outcome.FAILED);
    }
}
