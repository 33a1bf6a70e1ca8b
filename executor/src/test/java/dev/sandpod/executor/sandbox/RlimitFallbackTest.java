package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.sandbox.SandboxCapabilities.Enforcement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A host without writable cgroups, simulated with {@code sandpod.executor.sandbox.cgroups=none}. */
class RlimitFallbackTest {

    private static LocalSandboxRunner runner;
    private static LocalRuntimeCatalog catalog;

    @BeforeAll
    static void startRunner() {
        runner = TestRunners.runner(Map.of("sandpod.executor.sandbox.cgroups", "none"));
        catalog = TestRunners.catalog(runner);
    }

    @AfterAll
    static void stopRunner() {
        runner.close();
    }

    @Test
    void theCapabilitiesSayWhichLimitsFellBackToRlimits() {
        SandboxCapabilities caps = runner.capabilities();

        assertThat(caps.available()).isTrue();
        assertThat(caps.memory()).isEqualTo(Enforcement.RLIMIT);
        assertThat(caps.pids()).isEqualTo(Enforcement.RLIMIT);
        assertThat(caps.cpu()).isEqualTo(Enforcement.NONE);
        assertThat(caps.kill()).isEqualTo("pid namespace teardown");
        assertThat(caps.summary())
                .contains("limits enforced by: memory=rlimit, pids=rlimit, "
                        + "cpu=none (wall timeout only), file size=rlimit");
    }

    @Test
    void runsStillWorkAndMemoryIsBoundedByTheDataLimit() {
        RunResult ok = python("print('hi')", SandboxLimits.defaults());
        RunResult hog = python(
                "x = 'x' * (256 << 20)\nprint(len(x))", SandboxLimits.defaults().withMemoryBytes(64L << 20));

        assertThat(ok.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(ok.stdout()).isEqualTo("hi\n");
        assertThat(hog.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(hog.exitCode()).isNotZero();
        assertThat(hog.stderr()).contains("MemoryError");
    }

    @Test
    void nodeStartsUnderTheDataLimit() {
        RunResult r = runner.prepare(
                        RunSpec.of(
                                "node",
                                catalog.resolve("node", "20").orElseThrow(),
                                "console.log('node ok')",
                                SandboxLimits.defaults()),
                        OutputSink.NONE)
                .execute();

        assertThat(r.stdout()).isEqualTo("node ok\n");
    }

    @Test
    void forksStopAtTheProcessLimitOfTheRunsOwnUid() {
        RunResult r = python(
                String.join(
                        "\n",
                        "import os, time",
                        "n = 0",
                        "try:",
                        "    while n < 1000:",
                        "        if os.fork() == 0:",
                        "            time.sleep(30)",
                        "            os._exit(0)",
                        "        n += 1",
                        "except OSError as e:",
                        "    print('stopped', e.errno)"),
                SandboxLimits.defaults().withPids(16));

        assertThat(r.stdout()).isEqualTo("stopped 11\n");
    }

    private static RunResult python(String script, SandboxLimits limits) {
        return runner.prepare(
                        RunSpec.of("fallback", catalog.resolve("python", "3.11").orElseThrow(), script, limits),
                        OutputSink.NONE)
                .execute();
    }
}
