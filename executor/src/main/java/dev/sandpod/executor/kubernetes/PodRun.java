package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.runner.Runner;
import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.RunResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution's pod as the dispatcher runs it: creates the pod and its config map, then waits for the pod
 * monitor's result. It never ends the run by itself: a cancel deletes the pod and the monitor reports the end,
 * and an executor that stops hands the pod over instead of ending it.
 */
final class PodRun implements Runner.Run {

    private static final Logger log = LoggerFactory.getLogger(PodRun.class);

    private final PodMonitor monitor;
    private final KubernetesClient client;
    private final KubernetesRunnerProperties props;
    private final String owner;
    private final RunPod.Spec spec;
    private final OutputSink sink;
    private volatile WatchedPod tracked;
    private volatile boolean cancelled;
    private volatile boolean aborted;

    PodRun(
            PodMonitor monitor,
            KubernetesClient client,
            KubernetesRunnerProperties props,
            String owner,
            RunPod.Spec spec,
            OutputSink sink) {
        this.monitor = monitor;
        this.client = client;
        this.props = props;
        this.owner = owner;
        this.spec = spec;
        this.sink = sink;
    }

    @Override
    public RunResult execute() {
        String namespace = props.namespace();
        String name = RunPod.name(spec.executionId());
        if (monitor.closing() || aborted) {
            return RunResult.failed("system_error", "Executor shut down before the run started", PodOutcomes.CLK_TCK);
        }
        // Tracked before the pod exists, so that the informer never takes our own new pod for an orphan.
        WatchedPod t = new WatchedPod(spec.executionId(), name, false);
        if (!monitor.track(t)) {
            log.info("pod {} is already watched here; that watch reports it", name);
            return null;
        }
        tracked = t;
        if (cancelled) {
            monitor.untrack(t);
            return RunResult.cancelled("Execution cancelled", PodOutcomes.CLK_TCK);
        }
        Pod created;
        try {
            created = client.pods()
                    .inNamespace(namespace)
                    .resource(RunPod.pod(
                            spec, namespace, props, owner, monitor.leases().leaseUntil()))
                    .create();
        } catch (KubernetesClientException e) {
            monitor.untrack(t);
            if (e.getCode() == 409) {
                // A redelivered request: the pod exists, watched by someone or waiting to be adopted.
                log.info("pod {} exists already; it is adopted if nobody watches it", name);
                Pod existing =
                        client.pods().inNamespace(namespace).withName(name).get();
                if (existing != null) {
                    monitor.consider(existing);
                }
                return null;
            }
            log.warn("cannot create pod {}: {}", name, e.getMessage());
            return RunResult.failed(
                    "system_error", "Cannot create the run pod: " + e.getMessage(), PodOutcomes.CLK_TCK);
        }
        t.created = true;
        try {
            client.configMaps()
                    .inNamespace(namespace)
                    .resource(RunPod.configMap(spec, created))
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                // Concluded here; the pod goes with the clean-up after the report.
                log.warn("cannot create config map {}: {}", name, e.getMessage());
                t.state = WatchedPod.State.CONCLUDED;
                return RunResult.failed(
                        "system_error", "Cannot create the run's config map: " + e.getMessage(), PodOutcomes.CLK_TCK);
            }
        }
        if (aborted) {
            // Handed over while the pod was being created: release the lease now that there is one.
            synchronized (t.leaseLock) {
                monitor.leases().release(t);
            }
            return null;
        }
        log.info(
                "pod {} created: image {}, deadline {} s",
                name,
                spec.runtime().image(),
                created.getSpec().getActiveDeadlineSeconds());
        if (cancelled) {
            monitor.requestCancel(t);
        }
        monitor.evaluateLater(t);
        RunResult result;
        try {
            result = t.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            monitor.handOver(t);
            return null;
        } catch (ExecutionException e) {
            result = RunResult.failed("system_error", "pod monitor failed: " + e.getCause(), PodOutcomes.CLK_TCK);
        }
        if (result == PodMonitor.HANDED_OVER) {
            return null;
        }
        monitor.emitOutput(sink, result);
        return result;
    }

    @Override
    public void cancel() {
        cancelled = true;
        WatchedPod t = tracked;
        if (t != null) {
            monitor.requestCancel(t);
        }
    }

    @Override
    public void abortForShutdown() {
        // The dispatcher only aborts when the executor stops: from now on adopt nothing, or this executor
        // would take back the very pods it hands over.
        monitor.stopAdopting();
        aborted = true;
        WatchedPod t = tracked;
        if (t != null) {
            monitor.handOver(t);
        }
    }

    @Override
    public void reported(CompletionStage<?> delivery) {
        WatchedPod t = tracked;
        if (t != null) {
            monitor.afterReport(t, delivery);
        }
    }
}
