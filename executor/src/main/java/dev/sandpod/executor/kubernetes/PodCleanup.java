package dev.sandpod.executor.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a run's objects once its final report is out. The pod is deleted (its ConfigMap too; the ownerReference
 * would also have the garbage collector do it) only after the broker acknowledged the report; a report that cannot
 * be delivered leaves the pod in place and untracked, so it is adopted and reported again. A delete that fails is
 * retried by the monitor's tick.
 */
final class PodCleanup {

    private static final Logger log = LoggerFactory.getLogger(PodCleanup.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, WatchedPod> runs;
    private final ExecutorService workers;

    PodCleanup(KubernetesClient client, String namespace, Map<String, WatchedPod> runs, ExecutorService workers) {
        this.client = client;
        this.namespace = namespace;
        this.runs = runs;
        this.workers = workers;
    }

    void afterReport(WatchedPod t, CompletionStage<?> delivery) {
        delivery.whenComplete((ok, error) -> {
            if (error != null) {
                // Left in place and untracked: the tick adopts it again and reports it again.
                log.warn("report of pod {} not delivered ({}); it is reported again", t.podName, error.toString());
                t.state = WatchedPod.State.HANDED_OVER;
                runs.remove(t.podName, t);
                return;
            }
            cleanUp(t);
        });
    }

    private void cleanUp(WatchedPod t) {
        t.state = WatchedPod.State.CLEANING;
        t.cleaningSince = Instant.now();
        try {
            workers.execute(() -> removeObjects(t));
        } catch (RejectedExecutionException e) {
            removeObjects(t);
        }
    }

    void removeObjects(WatchedPod t) {
        boolean podGone = deletePod(t.podName, null);
        try {
            client.configMaps().inNamespace(namespace).withName(t.podName).delete();
        } catch (KubernetesClientException e) {
            log.warn("config map {} not deleted: {}", t.podName, e.getMessage());
        }
        if (podGone) {
            runs.remove(t.podName, t);
        }
    }

    /** True when the pod is gone (deleted now or before). */
    boolean deletePod(String name, Long graceSeconds) {
        try {
            var pod = client.pods().inNamespace(namespace).withName(name);
            var deleted = graceSeconds == null
                    ? pod.delete()
                    : pod.withGracePeriod(graceSeconds).delete();
            return deleted.isEmpty();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return true;
            }
            log.warn("pod {} not deleted: {}", name, e.getMessage());
            return false;
        }
    }
}
