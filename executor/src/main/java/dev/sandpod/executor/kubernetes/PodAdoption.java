package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.kafka.RunReportPublisher;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over run pods nobody watches: pods whose executor stopped (lease released) or died (lease over), and pods
 * of this executor's previous life. An adopted pod is watched to its end like one created here; its result is
 * reported here too, since the request that started it belonged to another executor's dispatcher. Pods that
 * finished while no executor watched are reported from their termination message and log, then reaped.
 */
final class PodAdoption {

    private static final Logger log = LoggerFactory.getLogger(PodAdoption.class);

    private final PodMonitor monitor;
    private final PodLeases leases;
    private final RunReportPublisher publisher;
    private final ExecutorService workers;
    /** Pods with an adoption in flight, so that one pod is claimed at most once at a time. */
    private final Set<String> claiming = ConcurrentHashMap.newKeySet();

    PodAdoption(PodMonitor monitor, PodLeases leases, RunReportPublisher publisher, ExecutorService workers) {
        this.monitor = monitor;
        this.leases = leases;
        this.publisher = publisher;
        this.workers = workers;
    }

    /** An untracked pod: adopt it when its lease is over or it carries our own name. */
    void consider(Pod pod) {
        if (monitor.closing() || pod.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String name = pod.getMetadata().getName();
        if (!leases.adoptable(pod)) {
            return;
        }
        if (monitor.watches(name) || !claiming.add(name)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    claim(pod);
                } finally {
                    claiming.remove(name);
                }
            });
        } catch (RejectedExecutionException e) {
            claiming.remove(name);
        }
    }

    private void claim(Pod pod) {
        String name = pod.getMetadata().getName();
        String executionId = PodOutcomes.annotations(pod).get(RunPod.EXECUTION_ID);
        if (monitor.closing() || monitor.watches(name) || executionId == null) {
            return;
        }
        String previous = PodOutcomes.annotations(pod).get(RunPod.OWNER);
        Pod claimed = leases.adopt(pod);
        if (claimed == null) {
            return;
        }
        WatchedPod t = new WatchedPod(executionId, name, true);
        t.created = true;
        t.seen = true;
        t.last = claimed;
        if (!monitor.track(t)) {
            return;
        }
        log.info(
                "adopted pod {} of execution {} (was {}, phase {})",
                name,
                executionId,
                previous,
                claimed.getStatus() == null ? null : claimed.getStatus().getPhase());
        t.result.thenAcceptAsync(
                result -> {
                    if (result != PodMonitor.HANDED_OVER) {
                        RunReportPublisher.Reporter reporter = publisher.forExecution(executionId);
                        monitor.emitOutput(reporter, result);
                        log.info("adopted run {} ended: {} exit {}", executionId, result.outcome(), result.exitCode());
                        monitor.afterReport(t, reporter.finished(result));
                    }
                },
                workers);
        monitor.evaluateLater(t);
    }
}
