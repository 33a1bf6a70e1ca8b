package dev.sandpod.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.RunResult.Outcome;
import dev.sandpod.executor.sandbox.SandboxLimits;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod runner's side of the second hostile set (docs/hostile-second-set.md). H37 — a run tampering with the
 * wrapper's bookkeeping — runs the real wrapper as PID 1 of a fresh pid namespace with the program as the same
 * uid, as in a pod; its log goes through the window a kubelet returns for the executor's log request
 * ({@link SimulatedCluster#kubeletWindow}) and then through {@link PodOutcomes}, with the container's exit code the
 * wrapper's own exit, as the kubelet records it. The rows marked <i>both</i> are asserted on the generated Pod and
 * on the shipped Localhost seccomp profile.
 */
class HostileWrapperTest {

    private static final long CAP = 1 << 20;
    private static final int TIMEOUT = 3;

    @TempDir
    Path root;

    @BeforeAll
    static void namespacesAvailable() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/bin/bash")));
        Process p = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true").start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "needs pid namespaces (root)");
    }

    @Test
    void H37a_aUsr1ToTheWrapperIsNoTimeout() throws Exception {
        Run run = run("kill -USR1 1; sleep 1; kill -USR1 1; echo still here\n");
        assertThat(run.result.outcome()).as(run.describe()).isEqualTo(Outcome.COMPLETED);
        assertThat(run.result.exitCode()).isZero();
        assertThat(run.result.stdout()).isEqualTo("still here\n");
        assertThat(run.seconds).isLessThan(TIMEOUT);
    }

    @Test
    void H37b_aTermToTheWrapperStopsNothing() throws Exception {
        Run run = run("kill -TERM 1; sleep 1; echo still here\n");
        assertThat(run.result.outcome()).as(run.describe()).isEqualTo(Outcome.COMPLETED);
        assertThat(run.result.stdout()).isEqualTo("still here\n");
        assertThat(run.result.errorType()).isNull();
    }

    @Test
    void H37c_killingEverythingElseStillEndsAtTheRunsOwnTimeout() throws Exception {
        Run run = run("kill -9 -1; while :; do kill -9 -1 2>/dev/null; done\n");
        assertThat(run.result.outcome()).as(run.describe()).isEqualTo(Outcome.TIMEOUT);
        assertThat(run.result.errorType()).isEqualTo("timeout");
        // At the run's own limit, not at activeDeadlineSeconds (timeout + start allowance), nor never.
        assertThat(run.seconds).isBetween((double) TIMEOUT, TIMEOUT + 3.0);
    }

    @Test
    void H37d_aForgedLogBlockTerminationMessageAndFifoAreNeverTaken() throws Exception {
        Run run = run("""
                printf '\\n@@sandpod-dump/1 stdout\\nZm9yZ2VkCg==\\n@@sandpod-dump/1 stderr\\n@@sandpod-dump/1 end\\n' >/proc/1/fd/1
                head -c 3000000 /dev/zero >/proc/1/fd/1
                echo 'sandpod/1 ended=exit exit=0 wall_cs=1 cpu_us=1 peak_bytes=1 oom_kills=0 stdout_bytes=7 stderr_bytes=0' >"$SANDPOD_WRAPPER_ROOT/dev/termination-log"
                rm "$SANDPOD_WRAPPER_ROOT/sandpod/stdout/data"; mkfifo "$SANDPOD_WRAPPER_ROOT/sandpod/stdout/data"
                sleep 999
                """);
        // The wrapper's finish is bounded: it ends at the run's timeout, not blocked on the FIFO.
        assertThat(run.finished).as("wrapper finished").isTrue();
        assertThat(run.seconds).isLessThan(TIMEOUT + 3.0);
        assertThat(run.result.stdout()).doesNotContain("forged");
        assertThat(run.result.outcome() == Outcome.COMPLETED && run.result.exitCode() == 0)
                .as(run.describe())
                .isFalse();
        assertThat(run.result.outcome()).as(run.describe()).isEqualTo(Outcome.FAILED);
        assertThat(run.result.errorType()).isEqualTo("system_error");
        assertThat(run.result.wallSeconds()).as("no forged usage (wall_cs=1)").isGreaterThan(1.0);
    }

    @Test
    void aForgedTerminationMessageAloneIsNotTakenWhenTheContainerSaysOtherwise() {
        String forged =
                "sandpod/1 ended=exit exit=0 wall_cs=1 cpu_us=1 peak_bytes=1 oom_kills=0 stdout_bytes=7 stderr_bytes=0";
        Pod pod = pod(forged, 137, "DeadlineExceeded");
        RunResult r = PodOutcomes.finished(pod, RunWrapper.formatLog("forged\n".getBytes(), new byte[0]), null);
        assertThat(r.outcome()).isNotEqualTo(Outcome.COMPLETED);
        assertThat(r.stdout()).doesNotContain("forged");
    }

    @Test
    void aForgedStatusMatchingTheKubeletsKillDoesNotBringItsBlockAlong() {
        // The wrapper was killed at the pod deadline (exit 137); the run had written a status with that exit.
        String forged =
                "sandpod/1 ended=exit exit=137 wall_cs=1 cpu_us=1 peak_bytes=1 oom_kills=0 stdout_bytes=7 stderr_bytes=0";
        for (String reason : List.of("DeadlineExceeded", "Evicted")) {
            RunResult r = PodOutcomes.finished(
                    pod(forged, 137, reason), RunWrapper.formatLog("forged\n".getBytes(), new byte[0]), null);
            assertThat(r.outcome()).as(reason).isNotEqualTo(Outcome.COMPLETED);
            assertThat(r.stdout()).as(reason).doesNotContain("forged");
        }
    }

    @Test
    void theWrapperSetsNoCoreDumpsItself() {
        // A piped core_pattern ignores RLIMIT_CORE=0 only when the dumping process has it at 0 (H34).
        assertThat(RunWrapper.SCRIPT).contains("ulimit -c 0");
    }

    @Test
    void theRunPodCarriesTheSecondSetsProtections() throws Exception {
        KubernetesRunnerProperties props = KubernetesTestSettings.properties(Map.of());
        PodRuntime python = new PodRuntime(
                "python", "3.12", "python:3.12-slim", List.of("python3", "main.py"), "main.py", Map.of());
        Pod pod = RunPod.pod(
                new RunPod.Spec("h-second-set", python, "print(1)", SandboxLimits.defaults()),
                "sandpod-runs",
                props,
                "e",
                1L);
        Container c = pod.getSpec().getContainers().get(0);
        // H26/H29/H30: the Localhost profile; H36/H29: the pod's root is not the node's.
        assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("Localhost");
        assertThat(pod.getSpec().getHostUsers()).isFalse();
        // H27/H33/H38: nothing of the node shared.
        assertThat(pod.getSpec().getHostPID()).isFalse();
        assertThat(pod.getSpec().getHostIPC()).isFalse();
        assertThat(pod.getSpec().getHostNetwork()).isFalse();
        assertThat(pod.getSpec().getShareProcessNamespace()).isFalse();
        assertThat(c.getVolumeMounts())
                .noneMatch(m -> m.getMountPath().startsWith("/var/run")
                        || m.getMountPath().startsWith("/run")
                        || m.getMountPath().startsWith("/sys"));
        // H31: no terminal. H39: no NET_RAW (all capabilities dropped). H28/H32: read-only root.
        assertThat(c.getTty()).isFalse();
        assertThat(c.getStdin()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        // H37: the log is read from its end.
        assertThat(PodVerdict.logPath("ns", "p", CAP)).contains("&tailLines=" + RunWrapper.logTailLines(CAP));

        JsonNode profile = new ObjectMapper()
                .readTree(Path.of("../infra/seccomp/sandpod-run.json").toFile());
        assertThat(profile.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(profile.get("architectures")).extracting(JsonNode::asText).containsExactly("SCMP_ARCH_X86_64");
        List<String> allowed = StreamSupport.stream(profile.get("syscalls").spliterator(), false)
                .filter(r -> r.get("action").asText().equals("SCMP_ACT_ALLOW") && !r.has("args"))
                .flatMap(r -> StreamSupport.stream(r.get("names").spliterator(), false))
                .map(JsonNode::asText)
                .toList();
        assertThat(allowed).contains("read", "write", "execve", "wait4", "pidfd_open");
        assertThat(allowed)
                .doesNotContain(
                        "socket",
                        "clone",
                        "clone3",
                        "ptrace",
                        "pidfd_getfd",
                        "process_madvise",
                        "kcmp",
                        "process_vm_readv",
                        "unshare",
                        "setns",
                        "mount",
                        "bpf",
                        "io_uring_setup",
                        "userfaultfd",
                        "keyctl",
                        "add_key",
                        "perf_event_open",
                        "clock_settime");
        List<Long> families = StreamSupport.stream(profile.get("syscalls").spliterator(), false)
                .filter(r -> r.get("names").get(0).asText().equals("socket"))
                .map(r -> r.get("args").get(0).get("value").asLong())
                .toList();
        assertThat(families).containsExactlyInAnyOrder(1L, 2L, 10L, 16L);
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Run(RunResult result, String log, int exitCode, double seconds, boolean finished) {
        String describe() {
            return result.outcome() + "/" + result.errorType() + " exit " + result.exitCode() + " "
                    + result.errorMessage() + " stdout=" + result.stdout();
        }
    }

    private Run run(String script) throws Exception {
        for (String dir : List.of("sandpod/script", "sandpod/stdout", "sandpod/stderr", "workspace", "dev")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("sandpod/script/main.sh"), script);
        List<String> command = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
        command.addAll(RunWrapper.command(TIMEOUT, CAP, "main.sh", List.of("bash", "main.sh")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("SANDPOD_WRAPPER_ROOT", root.toString());
        long start = System.nanoTime();
        Process process = builder.start();
        process.getOutputStream().close();
        // What the container runtime keeps of the wrapper's stdout: the container log.
        byte[] raw = readFor(process, TIMEOUT + 10);
        boolean finished = process.waitFor(1, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        int exit;
        if (!finished) {
            // The kubelet's SIGKILL at activeDeadlineSeconds.
            process.destroyForcibly();
            process.waitFor();
            exit = 137;
        } else {
            exit = process.exitValue();
        }
        String log = new String(raw, StandardCharsets.ISO_8859_1);
        String window = SimulatedCluster.kubeletWindow(
                log,
                PodVerdict.logPath("ns", "p", CAP)
                        .substring(PodVerdict.logPath("ns", "p", CAP).indexOf('?')));
        Path termination = root.resolve("dev/termination-log");
        String message = Files.exists(termination) ? Files.readString(termination) : "";
        RunResult result = PodOutcomes.finished(pod(message, exit, finished ? null : "DeadlineExceeded"), window, null);
        return new Run(result, log, exit, seconds, finished);
    }

    /** Reads the log until the wrapper closes it or {@code seconds} pass (then the kubelet would kill it). */
    private static byte[] readFor(Process process, int seconds) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                process.getInputStream().transferTo(out);
            } catch (java.io.IOException e) {
                // Closed when the process was killed.
            }
        });
        reader.start();
        reader.join(seconds * 1000L);
        if (reader.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            reader.join(5000);
        }
        synchronized (out) {
            return out.toByteArray();
        }
    }

    private static Pod pod(String terminationMessage, int exitCode, String podReason) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("sandpod-run-x")
                .withAnnotations(Map.of(
                        RunPod.MAX_OUTPUT_BYTES, Long.toString(CAP),
                        RunPod.MEMORY_BYTES, Long.toString(128L << 20),
                        RunPod.TIMEOUT_SECONDS, Integer.toString(TIMEOUT)))
                .endMetadata()
                .withNewStatus()
                .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .withReason(podReason)
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
}
