package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.sandbox.RunResult;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a watched pod's end is judged, each time the pod monitor looks at it: not yet (null), or the run's result.
 * A finished pod is judged from its termination message and log ({@link PodOutcomes}), after a grace for a phase
 * written before the container's final state; a pod that never gets going is failed once the cluster had its
 * chance: an image that can never start at once, pull trouble after its grace, a pending pod after its timeout,
 * and a pod long past its deadline (its node is likely lost). Per-pod waiting starts are kept on the
 * {@link WatchedPod}.
 */
final class PodVerdict {

    private static final Logger log = LoggerFactory.getLogger(PodVerdict.class);
    private static final Set<String> PULL_TROUBLE = Set.of("ErrImagePull", "ImagePullBackOff");
    private static final Set<String> NEVER_STARTS = Set.of("InvalidImageName", "ErrImageNeverPull");

    private final KubernetesClient client;
    private final String namespace;
    private final KubernetesRunnerProperties props;

    PodVerdict(KubernetesClient client, KubernetesRunnerProperties props) {
        this.client = client;
        this.namespace = props.namespace();
        this.props = props;
    }

    /** The run's result when {@code pod} shows that it ended, or null while it goes on. */
    RunResult judge(WatchedPod t, Pod pod, Instant now) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            if (PodOutcomes.terminated(PodOutcomes.container(pod)) == null) {
                // The phase can be written before the container's final state (a deadline is recorded, then the
                // container is stopped and its wrapper writes the output): give it its grace.
                if (t.terminalSince == null) {
                    t.terminalSince = now;
                }
                if (now.isBefore(t.terminalSince.plus(props.terminationGrace()).plusSeconds(5))) {
                    return null;
                }
            }
            return finished(pod);
        }
        ContainerStatus container = PodOutcomes.container(pod);
        String waiting = container == null
                        || container.getState() == null
                        || container.getState().getWaiting() == null
                ? null
                : container.getState().getWaiting().getReason();
        String image = PodOutcomes.annotations(pod).get(RunPod.IMAGE);
        if (waiting != null && NEVER_STARTS.contains(waiting)) {
            return RunResult.failed(
                    "system_error",
                    "Runtime image " + image + " cannot be used: " + waiting + " "
                            + container.getState().getWaiting().getMessage(),
                    PodOutcomes.CLK_TCK);
        }
        if (waiting != null && PULL_TROUBLE.contains(waiting)) {
            if (t.pullTroubleSince == null) {
                t.pullTroubleSince = now;
                log.info(
                        "pod {}: {} for image {}; failing after {}", t.podName, waiting, image, props.imagePullGrace());
            }
            if (!now.isBefore(t.pullTroubleSince.plus(props.imagePullGrace()))) {
                String message = container.getState().getWaiting().getMessage();
                return RunResult.failed(
                        "system_error",
                        "Runtime image " + image + " cannot be pulled (" + waiting + ")"
                                + (message == null ? "" : ": " + message),
                        PodOutcomes.CLK_TCK);
            }
        } else {
            t.pullTroubleSince = null;
        }
        Instant created = created(pod, t);
        if ("Pending".equals(phase) && now.isAfter(created.plus(props.pendingTimeout()))) {
            return RunResult.failed(
                    "system_error",
                    "Run pod did not start within " + props.pendingTimeout().toSeconds() + " s"
                            + (waiting == null ? "" : " (" + waiting + ")"),
                    PodOutcomes.CLK_TCK);
        }
        Long deadline = pod.getSpec() == null ? null : pod.getSpec().getActiveDeadlineSeconds();
        if (deadline != null
                && now.isAfter(created.plus(props.pendingTimeout())
                        .plusSeconds(deadline)
                        .plus(props.terminationGrace())
                        .plus(props.resync()))) {
            // The kubelet should have ended it long ago: its node is gone or unresponsive.
            return RunResult.failed(
                    "system_error",
                    "Run pod did not end by its deadline (phase " + phase + "); its node may be lost",
                    PodOutcomes.CLK_TCK);
        }
        return null;
    }

    /** The result of a run whose pod was deleted before it ended: a cancel if anyone asked for one. */
    static RunResult gone(WatchedPod t) {
        return t.cancelRequested || cancelMark(t.last) != null
                ? RunResult.cancelled("Execution cancelled", PodOutcomes.CLK_TCK)
                : RunResult.failed("system_error", "The run pod was deleted before the run ended", PodOutcomes.CLK_TCK);
    }

    /** The reason another executor wrote when it cancelled this pod's run, or null. */
    static String cancelMark(Pod pod) {
        return pod == null ? null : PodOutcomes.annotations(pod).get(RunPod.CANCELLED);
    }

    /**
     * The log request of a run pod: only the run container, and no more than both capped streams need, taken from
     * the log's end (the kubelet applies {@code tailLines} before {@code limitBytes}): the wrapper's block comes
     * last, so whatever a run writes to the log before it (H37's padding past {@code limitBytes}) cannot push it
     * out of the window.
     */
    static String logPath(String namespace, String podName, long maxOutputBytes) {
        return "/api/v1/namespaces/" + namespace + "/pods/" + podName + "/log?container=" + RunPod.CONTAINER
                + "&limitBytes=" + RunWrapper.logLimitBytes(maxOutputBytes) + "&tailLines="
                + RunWrapper.logTailLines(maxOutputBytes);
    }

    private RunResult finished(Pod pod) {
        long cap = PodOutcomes.number(PodOutcomes.annotations(pod).get(RunPod.MAX_OUTPUT_BYTES), 1L << 20);
        String name = pod.getMetadata().getName();
        String logText = null;
        String problem = null;
        try {
            logText = client.raw(logPath(namespace, name, cap));
            if (logText == null) {
                problem = "the container log is gone";
            }
        } catch (KubernetesClientException e) {
            problem = "the container log could not be read: " + e.getMessage();
        }
        return PodOutcomes.finished(pod, logText, problem);
    }

    private static Instant created(Pod pod, WatchedPod t) {
        try {
            String ts = pod.getMetadata().getCreationTimestamp();
            return ts == null ? t.since : OffsetDateTime.parse(ts).toInstant();
        } catch (RuntimeException e) {
            return t.since;
        }
    }
}
