package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code sandpod.executor.sandbox.output-overflow=discard}: the run goes on, only the capture stops. */
class OutputDiscardModeTest {

    private static LocalSandboxRunner runner;
    private static LocalRuntimeCatalog catalog;

    @BeforeAll
    static void startRunner() {
        runner = TestRunners.runner(Map.of("sandpod.executor.sandbox.output-overflow", "discard"));
        catalog = TestRunners.catalog(runner);
    }

    @AfterAll
    static void stopRunner() {
        runner.close();
    }

    @Test
    void outputPastTheCapIsDroppedWhileTheProgramRunsToItsEnd() {
        int cap = 1000;
        List<String> frames = Collections.synchronizedList(new ArrayList<>());
        RunResult r = runner.prepare(
                        RunSpec.of(
                                "discard",
                                catalog.resolve("python", "3.11").orElseThrow(),
                                "import sys\nsys.stdout.write('x' * 200000)\nsys.stderr.write('fine')\nsys.exit(4)\n",
                                SandboxLimits.defaults().withMaxOutputBytes(cap)),
                        (stream, text) -> {
                            if (stream == StreamKind.STDOUT) {
                                frames.add(text);
                            }
                        })
                .execute();

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.stdout()).hasSize(cap).matches("x+");
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stderr()).isEqualTo("fine");
        assertThat(r.stderrTruncated()).isFalse();
        assertThat(String.join("", frames)).isEqualTo(r.stdout());
    }
}
