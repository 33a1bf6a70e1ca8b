package dev.sandpod.executor.kubernetes;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Plays the kubelet for run pods in the mock API server: moves a pod through its phases and writes what the real
 * node would — container states, the wrapper's termination message, and the container log in the wrapper's
 * format ({@link RunWrapper#formatLog}). The tests drive it step by step.
 */
final class SimulatedKubelet {

    static final Duration WAIT = Duration.ofSeconds(30);

    private final SimulatedCluster cluster;
    private final NamespacedKubernetesClient client;
    private final String namespace;

    SimulatedKubelet(SimulatedCluster cluster, String namespace) {
        this.cluster = cluster;
        this.client = cluster.client();
        this.namespace = namespace;
    }

    /** Waits until the executor created the pod of this execution, and returns it. */
    Pod awaitPod(String executionId) {
        String name = RunPod.name(executionId);
        await().atMost(WAIT).until(() -> pod(name) != null);
        return pod(name);
    }

    ConfigMap awaitConfigMap(String executionId) {
        String name = RunPod.name(executionId);
        await().atMost(WAIT)
                .until(() -> client.configMaps()
                                .inNamespace(namespace)
                                .withName(name)
                                .get()
                        != null);
        return client.configMaps().inNamespace(namespace).withName(name).get();
    }

    Pod pod(String name) {
        return client.pods().inNamespace(namespace).withName(name).get();
    }

    boolean gone(String executionId) {
        String name = RunPod.name(executionId);
        return pod(name) == null
                && client.configMaps().inNamespace(namespace).withName(name).get() == null;
    }

    /** Scheduled; the container is being created or waits for its image. */
    void pending(Pod pod, String waitingReason, String message) {
        status(
                pod,
                s -> new PodStatusBuilder(s)
                        .withPhase("Pending")
                        .withConditions(new PodConditionBuilder()
                                .withType("PodScheduled")
                                .withStatus("True")
                                .build())
                        .withContainerStatuses(new ContainerStatusBuilder()
                                .withName(RunPod.CONTAINER)
                                .withImage(image(pod))
                                .withReady(false)
                                .withRestartCount(0)
                                .withNewState()
                                .withNewWaiting()
                                .withReason(waitingReason)
                                .withMessage(message)
                                .endWaiting()
                                .endState()
                                .build())
                        .build());
    }

    void imagePullBackOff(Pod pod) {
        pending(pod, "ImagePullBackOff", "Back-off pulling image \"" + image(pod) + "\"");
    }

    void running(Pod pod) {
        status(
                pod,
                s -> new PodStatusBuilder(s)
                        .withPhase("Running")
                        .withStartTime(now())
                        .withConditions(new PodConditionBuilder()
                                .withType("Ready")
                                .withStatus("True")
                                .build())
                        .withContainerStatuses(new ContainerStatusBuilder()
                                .withName(RunPod.CONTAINER)
                                .withImage(image(pod))
                                .withReady(true)
                                .withStarted(true)
                                .withRestartCount(0)
                                .withNewState()
                                .withNewRunning()
                                .withStartedAt(now())
                                .endRunning()
                                .endState()
                                .build())
                        .build());
    }

    /** The program ended with {@code exitCode}: the wrapper wrote its status and both streams. */
    void exit(Pod pod, int exitCode, String stdout, String stderr) {
        byte[] out = stdout.getBytes(StandardCharsets.UTF_8);
        byte[] err = stderr.getBytes(StandardCharsets.UTF_8);
        finish(
                pod,
                exitCode == 0 ? "Succeeded" : "Failed",
                null,
                null,
                exitCode == 0 ? "Completed" : "Error",
                exitCode,
                status("exit", exitCode, out.length, err.length, 0),
                out,
                err);
    }

    /** The cgroup's OOM killer took the whole container (memory.oom.group): no status, no output block. */
    void oomKilled(Pod pod) {
        finish(pod, "Failed", null, null, "OOMKilled", 137, null, null, null);
    }

    /** activeDeadlineSeconds passed: SIGTERM, the wrapper wrote what the program had printed, the pod failed. */
    void deadlineExceeded(Pod pod, String stdoutSoFar) {
        byte[] out = stdoutSoFar.getBytes(StandardCharsets.UTF_8);
        finish(
                pod,
                "Failed",
                "DeadlineExceeded",
                "Pod was active on the node longer than the specified deadline",
                "Error",
                143,
                status("term", 143, out.length, 0, 0),
                out,
                new byte[0]);
    }

    static String status(String ended, int exitCode, long stdoutBytes, long stderrBytes, long oomKills) {
        return "sandpod/1 ended=" + ended + " exit=" + exitCode + " wall_cs=123 cpu_us=456789 peak_bytes=10485760"
                + " oom_kills=" + oomKills + " stdout_bytes=" + stdoutBytes + " stderr_bytes=" + stderrBytes + "\n";
    }

    void finish(
            Pod pod,
            String phase,
            String podReason,
            String podMessage,
            String containerReason,
            int exitCode,
            String terminationMessage,
            byte[] stdout,
            byte[] stderr) {
        String name = pod.getMetadata().getName();
        if (stdout != null) {
            long cap = Long.parseLong(pod.getMetadata().getAnnotations().get(RunPod.MAX_OUTPUT_BYTES));
            cluster.log(namespace, name, RunWrapper.formatLog(head(stdout, cap), head(stderr, cap)));
        }
        ContainerStatus container = new ContainerStatusBuilder()
                .withName(RunPod.CONTAINER)
                .withImage(image(pod))
                .withReady(false)
                .withStarted(false)
                .withRestartCount(0)
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withReason(containerReason)
                .withMessage(terminationMessage)
                .withStartedAt(now())
                .withFinishedAt(now())
                .endTerminated()
                .endState()
                .build();
        status(
                pod,
                s -> new PodStatusBuilder(s)
                        .withPhase(phase)
                        .withReason(podReason)
                        .withMessage(podMessage)
                        .withContainerStatuses(container)
                        .build());
    }

    private void status(Pod pod, UnaryOperator<PodStatus> change) {
        String name = pod.getMetadata().getName();
        for (int attempt = 0; ; attempt++) {
            try {
                client.pods()
                        .inNamespace(namespace)
                        .withName(name)
                        .editStatus(p -> new PodBuilder(p)
                                .withStatus(change.apply(p.getStatus() == null ? new PodStatus() : p.getStatus()))
                                .build());
                return;
            } catch (KubernetesClientException e) {
                // The executor renews its lease on the pod concurrently: try again on the new version.
                if (e.getCode() != 409 || attempt > 20) {
                    throw e;
                }
            }
        }
    }

    private static byte[] head(byte[] bytes, long cap) {
        return bytes.length <= cap ? bytes : Arrays.copyOf(bytes, (int) cap);
    }

    private static String image(Pod pod) {
        List<io.fabric8.kubernetes.api.model.Container> containers =
                pod.getSpec().getContainers();
        return containers.get(0).getImage();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
