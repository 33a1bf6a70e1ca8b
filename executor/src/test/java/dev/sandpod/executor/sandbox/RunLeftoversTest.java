package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.ResolvedRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nothing of a run outlives its result (issue 20, item 8): not a process of its uid, not even a zombie waiting for
 * the host's init, whichever moment of the launch a cancel or a limit hits; and the sandboxes together weigh less
 * on the CPU scheduler than the platform's own threads.
 */
class RunLeftoversTest {

    private static final SandboxLimits LIMITS = SandboxLimits.defaults();
    /** Its own uid range, so processes of other runners on a shared machine are never counted. */
    private static final String UID_BASE = "1970000000";

    private static LocalSandboxRunner runner;
    private static LocalRuntimeCatalog catalog;

    @BeforeAll
    static void startRunner() {
        runner = TestRunners.availableOnUids(UID_BASE);
        catalog = TestRunners.catalog(runner);
    }

    @AfterAll
    static void stopRunner() {
        runner.close();
    }

    @Test
    void aRunCancelledAnywhereInItsLaunchLeavesNoProcessOfItsUidOnceItsResultIsOut() {
        // One-off runs: no pre-started sandbox (which holds a uid of the runner while it waits) is ever made.
        ResolvedRuntime bash = runtime("bash", "5.2");
        List<String> leftovers = new ArrayList<>();
        for (int n = 0; n < 30; n++) {
            int i = n;
            SandboxRun run = runner.prepareOneOff(
                    RunSpec.of("leftover-" + i, bash, "for i in 1 2 3 4 5; do sleep 30 & done\nwait\n", LIMITS),
                    OutputSink.NONE);
            int spins = i * 2000;
            // The cancel comes right after the chain's first process started, at a different point of its launch
            // each time (before its fork, while its child joins the cgroups and drops to the run's uid, in bwrap).
            CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                while (!run.started()) {
                    Thread.onSpinWait();
                }
                for (int s = 0; s < spins; s++) {
                    Thread.onSpinWait();
                }
                run.cancel();
            });
            RunResult result = run.execute();
            canceller.join();

            assertThat(result.outcome()).isEqualTo(RunResult.Outcome.CANCELLED);
            processesOfTheRunnersUids().forEach(p -> leftovers.add("after run " + i + ": " + p));
        }
        assertThat(leftovers)
                .as("processes of the runs' uids right after their results")
                .isEmpty();
    }

    @Test
    void aTimedOutForkingRunLeavesNoProcessOfItsUidOnceItsResultIsOut() {
        ResolvedRuntime python = runtime("python", "3.11");
        for (int i = 0; i < 5; i++) {
            RunResult result = runner.prepareOneOff(
                            RunSpec.of(
                                    "leftover-timeout-" + i,
                                    python,
                                    "import os, time\nwhile True:\n    try:\n        os.fork()\n"
                                            + "    except OSError:\n        time.sleep(0.01)\n",
                                    LIMITS.withTimeout(Duration.ofSeconds(1))),
                            OutputSink.NONE)
                    .execute();

            assertThat(result.outcome()).isEqualTo(RunResult.Outcome.TIMEOUT);
            assertThat(processesOfTheRunnersUids()).as("after run " + i).isEmpty();
        }
    }

    @Test
    void theSandboxesTogetherWeighLessOnTheCpuThanOneThreadOfThePlatform() throws IOException {
        List<String> weights = new ArrayList<>();
        for (Path instance : runner.cgroupDirs()) {
            Path parent = instance.getParent();
            for (var file : Map.of("cpu.shares", 1024, "cpu.weight", 100).entrySet()) {
                Path weight = parent.resolve(file.getKey());
                if (Files.exists(weight)) {
                    int value = Integer.parseInt(Files.readString(weight).trim());
                    weights.add(weight + "=" + value);
                    assertThat(value).as(weight.toString()).isLessThan(file.getValue());
                }
            }
        }
        assertThat(weights).as("a CPU weight of the sandboxes' parent group").isNotEmpty();
    }

    private static List<String> processesOfTheRunnersUids() {
        return TestRunners.processesOfUids(runner).stream()
                .map(TestRunners.HostProcess::toString)
                .toList();
    }

    private static ResolvedRuntime runtime(String lang, String version) {
        return TestRunners.runtime(catalog, lang, version);
    }
}
