package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 item 4: memory limit → failed/resource_limit, CPU or wall limit → timeout (exit -1), sandbox setup
 * failure → failed/system_error. CPU is a bandwidth limit (cgroup quota), not a budget: a CPU-bound run is
 * slowed to its quota and still ends at the wall limit, as timeout.
 */
class ErrorTypeMappingTest {

    private static final SandboxLimits LIMITS = SandboxLimits.defaults().withTimeout(Duration.ofSeconds(2));

    private static LocalSandboxRunner runner;
    private static LocalRuntimeCatalog catalog;

    @BeforeAll
    static void startRunner() {
        runner = TestRunners.runner();
        catalog = TestRunners.catalog(runner);
    }

    @AfterAll
    static void stopRunner() {
        runner.close();
    }

    @Test
    void theMemoryLimitIsFailedWithResourceLimit() {
        RunResult r = python("x = bytearray(512 << 20)", LIMITS.withTimeout(Duration.ofSeconds(10)));

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("resource_limit");
        assertThat(r.errorMessage()).isEqualTo("Memory limit of 128 MiB exceeded");
    }

    @Test
    void aCpuBoundRunThrottledByItsQuotaStillEndsAtTheWallLimitAsTimeout() {
        RunResult r = python("while True: pass", LIMITS.withCpuMillis(250));

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.TIMEOUT);
        assertThat(r.errorType()).isEqualTo("timeout");
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.wallSeconds())
                .as("at the wall limit, plus a kill on a possibly busy host")
                .isBetween(2.0, 4.5);
        double cpuSeconds = (double) r.cpuTimeJiffies() / r.clkTckHertz();
        assertThat(cpuSeconds)
                .as("a quarter of a core over ~2 s")
                .isPositive()
                .isLessThan(0.25 * r.wallSeconds() + 0.2);
    }

    @Test
    void twoBusyThreadsUnderOneCoreEndAtTheWallLimitAsTimeoutUsingAtMostOneCore() {
        RunResult r = python("""
                import threading
                def spin():
                    while True:
                        pass
                threading.Thread(target=spin, daemon=True).start()
                import os
                os.sched_yield()
                while True:
                    pass
                """, LIMITS);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.TIMEOUT);
        assertThat(r.errorType()).isEqualTo("timeout");
        double cpuSeconds = (double) r.cpuTimeJiffies() / r.clkTckHertz();
        assertThat(cpuSeconds).isLessThan(1.0 * r.wallSeconds() + 0.2);
    }

    @Test
    void theWallLimitIsTimeoutWithExitMinusOne() {
        RunResult r = python("import time\ntime.sleep(60)", LIMITS);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.TIMEOUT);
        assertThat(r.errorType()).isEqualTo("timeout");
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.errorMessage()).isEqualTo("Execution timed out after 2 s");
    }

    @Test
    void aHostWhereTheSandboxCannotBeSetUpFailsEveryRunWithSystemError() {
        // A workspace of one inode: the runner's own setup (the tmp directory in it) fails before bwrap starts.
        try (LocalSandboxRunner starved =
                TestRunners.runner(Map.of("sandpod.executor.sandbox.workspace-inodes", "1"))) {
            assertThat(starved.capabilities().available()).isFalse();
            assertThat(starved.capabilities().problem()).startsWith("canary run failed");

            RunResult r = starved.prepare(
                            RunSpec.of(
                                    "setup", catalog.resolve("python", "3.11").orElseThrow(), "print(1)", LIMITS),
                            OutputSink.NONE)
                    .execute();

            assertThat(r.outcome()).isEqualTo(RunResult.Outcome.FAILED);
            assertThat(r.errorType()).isEqualTo("system_error");
            assertThat(r.exitCode()).isEqualTo(-1);
        }
    }

    private static RunResult python(String script, SandboxLimits limits) {
        return runner.prepare(
                        RunSpec.of("mapping", catalog.resolve("python", "3.11").orElseThrow(), script, limits),
                        OutputSink.NONE)
                .execute();
    }
}
