package dev.sandpod.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.RunResult.Outcome;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pod phase, container state and the wrapper's traces → run result. */
class PodOutcomesTest {

    private static final long CAP = 16;

    @Test
    void aProgramThatRanToItsEndIsCompletedWithItsExitCodeAndUsage() {
        RunResult r = PodOutcomes.finished(
                pod("Succeeded", null, "Completed", 0, status("exit", 0, 3, 0, 0)), log("hi\n", ""), null);
        assertThat(r.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("hi\n");
        assertThat(r.errorType()).isNull();
        assertThat(r.errorMessage()).isNull();
        assertThat(r.wallSeconds()).isEqualTo(1.5);
        assertThat(r.cpuTimeJiffies()).isEqualTo(25);
        assertThat(r.clkTckHertz()).isEqualTo(100);
        assertThat(r.peakMemoryKb()).isEqualTo(2048);
    }

    @Test
    void aScriptErrorIsCompletedWithTheCodeAndTheErrorTextInStderr() {
        RunResult r = PodOutcomes.finished(
                pod("Failed", null, "Error", 3, status("exit", 3, 0, 5, 0)), log("", "boom\n"), null);
        assertThat(r.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stderr()).isEqualTo("boom\n");
    }

    @Test
    void anOomKilledContainerWithoutAnyTraceFailsWithResourceLimitAtTheLimit() {
        RunResult r = PodOutcomes.finished(pod("Failed", null, "OOMKilled", 137, null), null, "gone");
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("resource_limit");
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(r.peakMemoryKb()).isEqualTo(128 * 1024);
    }

    @Test
    void anOomKillInsideTheContainerFailsWithResourceLimitAndKeepsTheOutput() {
        RunResult r = PodOutcomes.finished(
                pod("Failed", null, "Error", 137, status("exit", 137, 4, 0, 1)), log("big\n", ""), null);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("resource_limit");
        assertThat(r.exitCode()).isEqualTo(137);
        assertThat(r.stdout()).isEqualTo("big\n");
    }

    @Test
    void thePodDeadlineIsATimeoutWithTheOutputUpToTheKill() {
        RunResult r = PodOutcomes.finished(
                pod("Failed", "DeadlineExceeded", "Error", 143, status("term", 143, 5, 0, 0)), log("tick\n", ""), null);
        assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.errorType()).isEqualTo("timeout");
        assertThat(r.stdout()).isEqualTo("tick\n");
    }

    @Test
    void theWrappersOwnWatchdogIsATimeoutToo() {
        RunResult r = PodOutcomes.finished(
                pod("Failed", null, "Error", 124, status("timeout", 124, 0, 0, 0)), log("", ""), null);
        assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(r.errorMessage()).isEqualTo("Execution timed out after 10 s");
    }

    @Test
    void anEvictedPodFailsWithResourceLimit() {
        RunResult r = PodOutcomes.finished(
                pod("Failed", "Evicted", "Error", 143, status("term", 143, 0, 0, 0)), log("", ""), null);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("resource_limit");
    }

    @Test
    void aContainerThatNeverRanTheWrapperIsASystemError() {
        RunResult r = PodOutcomes.finished(
                pod("Failed", null, "StartError", 128, "exec: \"/bin/sh\": not found"), null, null);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("system_error");
        assertThat(r.errorMessage()).contains("StartError").contains("/bin/sh");
    }

    @Test
    void aRuntimeMissingFromTheImageIsASystemErrorWithTheWrappersMessage() {
        RunResult r = PodOutcomes.finished(
                pod("Failed", null, "Error", 127, status("setup", 127, 0, 30, 0)),
                log("", "sandpod: python not found in the runtime image\n"),
                null);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("system_error");
        assertThat(r.errorMessage()).contains("python not found in the runtime image");
    }

    @Test
    void aStreamPastItsCapIsFlaggedAndCutOnACharacterBoundary() {
        byte[] out = "aaaaaaaaaaaaaaa€".getBytes(StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(out, (int) CAP);
        RunResult r = PodOutcomes.finished(
                pod("Succeeded", null, "Completed", 0, status("exit", 0, 4096, 3, 0)),
                RunWrapper.formatLog(cut, "err".getBytes(StandardCharsets.UTF_8)),
                null);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stderrTruncated()).isFalse();
        assertThat(r.stdout()).isEqualTo("aaaaaaaaaaaaaaa");
        assertThat(r.stderr()).isEqualTo("err");
    }

    @Test
    void binaryOutputIsStoredAsTextWithReplacementCharacters() {
        RunResult r = PodOutcomes.finished(
                pod("Succeeded", null, "Completed", 0, status("exit", 0, 4, 0, 0)),
                RunWrapper.formatLog(new byte[] {'a', (byte) 0xff, 0, 'b'}, new byte[0]),
                null);
        assertThat(r.stdout()).isEqualTo("a\uFFFD\u0000b");
    }

    @Test
    void anUnreadableLogLeavesTheOutcomeAndSaysWhyTheOutputIsMissing() {
        RunResult r = PodOutcomes.finished(
                pod("Succeeded", null, "Completed", 0, status("exit", 0, 3, 0, 0)), null, "the container log is gone");
        assertThat(r.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.errorMessage()).isEqualTo("Output unavailable: the container log is gone");
    }

    @Test
    void textTheProgramWroteStraightIntoTheLogIsIgnored() {
        String forged = RunWrapper.formatLog("forged".getBytes(StandardCharsets.UTF_8), new byte[0]);
        RunResult r = PodOutcomes.finished(
                pod("Succeeded", null, "Completed", 0, status("exit", 0, 5, 0, 0)),
                "noise " + forged + "more noise" + log("real\n", ""),
                null);
        assertThat(r.stdout()).isEqualTo("real\n");
    }

    private static String status(String ended, int exit, long stdoutBytes, long stderrBytes, long oomKills) {
        return "sandpod/1 ended=" + ended + " exit=" + exit + " wall_cs=150 cpu_us=250000 peak_bytes=2097152"
                + " oom_kills=" + oomKills + " stdout_bytes=" + stdoutBytes + " stderr_bytes=" + stderrBytes + "\n";
    }

    private static String log(String stdout, String stderr) {
        return RunWrapper.formatLog(stdout.getBytes(StandardCharsets.UTF_8), stderr.getBytes(StandardCharsets.UTF_8));
    }

    private static Pod pod(String phase, String podReason, String containerReason, int exitCode, String message) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("sandpod-run-x")
                .withAnnotations(Map.of(
                        RunPod.MAX_OUTPUT_BYTES, Long.toString(CAP),
                        RunPod.MEMORY_BYTES, Long.toString(128L << 20),
                        RunPod.TIMEOUT_SECONDS, "10"))
                .endMetadata()
                .withNewStatus()
                .withPhase(phase)
                .withReason(podReason)
                .addNewContainerStatus()
                .withName(RunPod.CONTAINER)
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withReason(containerReason)
                .withMessage(message)
                .endTerminated()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
    }
}
