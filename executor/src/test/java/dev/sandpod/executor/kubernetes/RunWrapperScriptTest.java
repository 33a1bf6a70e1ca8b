package dev.sandpod.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.RunResult.Outcome;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real wrapper script, run by the host's POSIX sh (dash, as in Debian-based runtime images) as PID 1 of a
 * fresh pid namespace, the way it runs in a pod; its log and termination message then go through the same
 * parsers as a pod's. The pod's volumes are directories under a temporary root here
 * ({@code SANDPOD_WRAPPER_ROOT}); the per-stream tmpfs limits themselves are the kubelet's part.
 */
class RunWrapperScriptTest {

    private static final long CAP = 64;

    @TempDir
    Path root;

    @BeforeAll
    static void namespacesAvailable() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/usr/bin/python3")));
        Process p = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true").start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "needs pid namespaces (root)");
    }

    @Test
    void stdoutAndStderrAreToldApartAndBinaryOutputSurvives() throws Exception {
        Run run = run(
                "import sys\nprint('out')\nsys.stderr.write('err\\n')\nsys.stdout.flush()\n"
                        + "sys.stdout.buffer.write(b'\\xff\\x00!')\nsys.exit(3)\n",
                10);
        assertThat(run.result.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(run.result.exitCode()).isEqualTo(3);
        assertThat(run.result.stdout()).isEqualTo("out\n\uFFFD\u0000!");
        assertThat(run.result.stderr()).isEqualTo("err\n");
        assertThat(run.result.wallSeconds()).isGreaterThan(0);
        assertThat(run.exitCode).isEqualTo(3);
    }

    @Test
    void nothingTheProgramLeftBehindSurvivesItsEnd() throws Exception {
        String marker = "987.6543";
        Run run = run(
                "import subprocess\nsubprocess.Popen(['sleep', '" + marker + "'], start_new_session=True)\n"
                        + "print('bye')\n",
                10);
        assertThat(run.result.outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(run.result.stdout()).isEqualTo("bye\n");
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info()
                                .arguments()
                                .map(args -> List.of(args).contains(marker))
                                .orElse(false)))
                .isEmpty();
    }

    @Test
    void aStreamPastTheCapIsCutAndFlagged() throws Exception {
        Run run = run("print('x' * 1000)\nprint('e', file=__import__('sys').stderr)\n", 10);
        assertThat(run.result.stdoutTruncated()).isTrue();
        assertThat(run.result.stdout()).isEqualTo("x".repeat((int) CAP));
        assertThat(run.result.stderrTruncated()).isFalse();
        assertThat(run.result.stderr()).isEqualTo("e\n");
    }

    @Test
    void theWatchdogEndsARunAtItsTimeoutAndKeepsWhatItPrinted() throws Exception {
        long start = System.nanoTime();
        Run run = run("import time\nprint('tick', flush=True)\ntime.sleep(60)\n", 1);
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(10);
        assertThat(run.result.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(run.result.errorType()).isEqualTo("timeout");
        assertThat(run.result.stdout()).isEqualTo("tick\n");
    }

    @Test
    void stdinIsEmpty() throws Exception {
        Run run = run("import sys\nprint(repr(sys.stdin.read()))\n", 10);
        assertThat(run.result.stdout()).isEqualTo("''\n");
    }

    @Test
    void aCommandMissingFromTheImageIsASystemError() throws Exception {
        Run run = run("print(1)\n", 10, List.of("python-nowhere", "main.py"));
        assertThat(run.result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(run.result.errorType()).isEqualTo("system_error");
        assertThat(run.result.errorMessage()).contains("python-nowhere not found in the runtime image");
    }

    @Test
    void aForgedOutputBlockWrittenStraightToTheLogIsIgnored() throws Exception {
        String forged = RunWrapper.formatLog("forged".getBytes(StandardCharsets.UTF_8), new byte[0]);
        Run run = run(
                "import os\nfd = os.open('/proc/1/fd/1', os.O_WRONLY)\nos.write(fd, " + pythonBytes(forged)
                        + ")\nprint('real')\n",
                10);
        assertThat(run.log).contains("Zm9yZ2Vk");
        assertThat(run.result.stdout()).isEqualTo("real\n");
    }

    private record Run(RunResult result, String log, int exitCode) {}

    private Run run(String script, int timeoutSeconds) throws Exception {
        return run(script, timeoutSeconds, List.of("python3", "main.py"));
    }

    private Run run(String script, int timeoutSeconds, List<String> argv) throws Exception {
        for (String dir : List.of("sandpod/script", "sandpod/stdout", "sandpod/stderr", "workspace", "dev")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("sandpod/script/main.py"), script);
        List<String> command = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
        command.addAll(RunWrapper.command(timeoutSeconds, CAP, "main.py", argv));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("SANDPOD_WRAPPER_ROOT", root.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String message = Files.readString(root.resolve("dev/termination-log"));
        return new Run(
                PodOutcomes.finished(pod(message, process.exitValue(), timeoutSeconds), log, null),
                log,
                process.exitValue());
    }

    private static Pod pod(String terminationMessage, int exitCode, int timeoutSeconds) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("sandpod-run-x")
                .withAnnotations(Map.of(
                        RunPod.MAX_OUTPUT_BYTES, Long.toString(CAP),
                        RunPod.MEMORY_BYTES, Long.toString(128L << 20),
                        RunPod.TIMEOUT_SECONDS, Integer.toString(timeoutSeconds)))
                .endMetadata()
                .withNewStatus()
                .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .addNewContainerStatus()
                .withName(RunPod.CONTAINER)
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withMessage(terminationMessage)
                .endTerminated()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
    }

    private static String pythonBytes(String s) throws IOException {
        StringBuilder out = new StringBuilder("b'");
        for (byte b : s.getBytes(StandardCharsets.US_ASCII)) {
            out.append(String.format("\\x%02x", b));
        }
        return out.append('\'').toString();
    }
}
