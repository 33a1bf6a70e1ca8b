package dev.sandpod.executor.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who watches a run pod. Every pod carries its executor's name ({@code sandpod.dev/owner}) and a lease
 * ({@code sandpod.dev/lease-until}, epoch millis) that the executor renews while it watches the pod. An executor
 * that stops hands its pods over (lease 0); one that dies loses them when the lease runs out. Any executor may
 * adopt a pod whose lease is over, or that carries its own name but is not watched (its previous life), by a patch
 * conditional on the pod's resourceVersion, so exactly one executor wins.
 */
final class PodLeases {

    private static final Logger log = LoggerFactory.getLogger(PodLeases.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String owner;
    private final Duration lease;

    PodLeases(KubernetesClient client, String namespace, String owner, Duration lease) {
        this.client = client;
        this.namespace = namespace;
        this.owner = owner;
        this.lease = lease;
    }

    /** The lease end for a pod taken or renewed now. */
    long leaseUntil() {
        return System.currentTimeMillis() + lease.toMillis();
    }

    /** Whether an untracked pod may be adopted here: its lease is over, or it names this executor as its owner. */
    boolean adoptable(Pod pod) {
        Map<String, String> annotations = PodOutcomes.annotations(pod);
        boolean ours = owner.equals(annotations.get(RunPod.OWNER));
        return ours || PodOutcomes.number(annotations.get(RunPod.LEASE_UNTIL), 0) <= System.currentTimeMillis();
    }

    /** Takes the pod over with a patch that only applies to the version seen; the adopted pod, or null if lost. */
    Pod adopt(Pod pod) {
        String name = pod.getMetadata().getName();
        try {
            return client.pods()
                    .inNamespace(namespace)
                    .withName(name)
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            annotationsPatch(
                                    Map.of(RunPod.OWNER, owner, RunPod.LEASE_UNTIL, Long.toString(leaseUntil())),
                                    pod.getMetadata().getResourceVersion()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                log.debug("pod {} not adopted: {}", name, e.getMessage());
            } else {
                log.warn("cannot adopt pod {}: {}", name, e.getMessage());
            }
            return null;
        }
    }

    /** Renews the lease of every pod still watched here; stops as soon as {@code closing} says so. */
    void renew(Collection<WatchedPod> watched, BooleanSupplier closing) {
        String until = Long.toString(leaseUntil());
        for (WatchedPod t : watched) {
            if (closing.getAsBoolean()) {
                return;
            }
            synchronized (t.leaseLock) {
                if (!t.created || t.state == WatchedPod.State.HANDED_OVER || t.deleted) {
                    continue;
                }
                try {
                    client.pods()
                            .inNamespace(namespace)
                            .withName(t.podName)
                            .patch(
                                    PatchContext.of(PatchType.JSON_MERGE),
                                    annotationsPatch(Map.of(RunPod.LEASE_UNTIL, until), null));
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        log.warn("lease of pod {} not renewed: {}", t.podName, e.getMessage());
                    }
                } catch (RuntimeException e) {
                    log.warn("lease of pod {} not renewed: {}", t.podName, e.toString());
                }
            }
        }
    }

    /** Hands the pod over (lease 0) for another executor to adopt; the caller holds {@code t.leaseLock}. */
    void release(WatchedPod t) {
        try {
            client.pods()
                    .inNamespace(namespace)
                    .withName(t.podName)
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            annotationsPatch(Map.of(RunPod.LEASE_UNTIL, "0"), null));
            log.info("pod {} handed over for another executor to adopt", t.podName);
        } catch (KubernetesClientException e) {
            log.warn("pod {} not handed over ({}); it is adopted when its lease ends", t.podName, e.getMessage());
        }
    }

    /** Marks a pod another executor watches as cancelled: that one sees the mark, deletes the pod and reports. */
    void markCancelled(String name, String reason) {
        try {
            client.pods()
                    .inNamespace(namespace)
                    .withName(name)
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            annotationsPatch(Map.of(RunPod.CANCELLED, reason == null ? "cancelled" : reason), null));
            log.info("pod {} marked cancelled for the executor that watches it", name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                log.warn("cannot mark pod {} cancelled: {}", name, e.getMessage());
            }
        }
    }

    /** A JSON merge patch of annotations; with a resourceVersion it only applies to that version (409 else). */
    static String annotationsPatch(Map<String, String> annotations, String resourceVersion) {
        StringBuilder json = new StringBuilder("{\"metadata\":{");
        if (resourceVersion != null) {
            json.append("\"resourceVersion\":").append(quote(resourceVersion)).append(',');
        }
        json.append("\"annotations\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            json.append(first ? "" : ",").append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            first = false;
        }
        return json.append("}}}").toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
