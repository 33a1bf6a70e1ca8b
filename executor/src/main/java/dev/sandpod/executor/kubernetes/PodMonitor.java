package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.kafka.RunReportPublisher;
import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.StreamKind;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod monitor: watches run pods to their end with a shared informer on the run pods of the namespace (list +
 * watch; a watch that ends with 410 Gone is followed by a fresh list, and a full resync re-delivers every pod
 * periodically) plus a tick that re-examines every watched pod (grace periods, pods missing from the cache,
 * orphans, cleanup retries). It adopts pods nobody watches ({@link PodLeases}), asks {@link PodVerdict} after each
 * look whether and how a run ended, completes the {@link WatchedPod#result} with that, and has {@link PodCleanup}
 * remove the pod after the report. Evaluations run on a small worker pool, at most one queued per pod.
 *
 * <p>A little over 300 lines: the watch loop (events, tick, evaluation, cancel, hand-over) shares one map of
 * watched pods and one lock discipline; the parts that need neither already live in their own classes.
 */
final class PodMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PodMonitor.class);

    /** Completes a run that this executor stopped watching without ending it; never reported. */
    static final RunResult HANDED_OVER = RunResult.cancelled("handed over", PodOutcomes.CLK_TCK);

    private static final Duration NOT_SEEN_CHECK = Duration.ofSeconds(10);
    private static final Duration CLEANUP_RETRY = Duration.ofSeconds(10);
    private static final Duration CANCEL_RETRY = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final KubernetesRunnerProperties props;
    private final RunReportPublisher publisher;
    private final int frameBytes;
    private final String owner;
    private final String namespace;
    private final Map<String, WatchedPod> runs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final PodLeases leases;
    private final PodVerdict verdict;
    private final PodCleanup cleanup;
    private final PodAdoption adoption;
    private volatile SharedIndexInformer<Pod> informer;
    private volatile boolean closing;

    PodMonitor(
            KubernetesClient client,
            KubernetesRunnerProperties props,
            RunReportPublisher publisher,
            int frameBytes,
            String owner) {
        this.client = client;
        this.props = props;
        this.publisher = publisher;
        this.frameBytes = frameBytes;
        this.owner = owner;
        this.namespace = props.namespace();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("sandpod-pod-monitor"));
        this.workers = Executors.newFixedThreadPool(4, threads("sandpod-pod-worker"));
        this.leases = new PodLeases(client, namespace, owner, props.lease());
        this.verdict = new PodVerdict(client, props);
        this.cleanup = new PodCleanup(client, namespace, runs, workers);
        this.adoption = new PodAdoption(this, leases, publisher, workers);
    }

    /** Lists the pods already there (adopting or reaping them) and starts watching. */
    void start() {
        SharedIndexInformer<Pod> inf = RunPodInformer.start(
                client, namespace, props.resync(), this::observed, this::observedGone, i -> informer = i);
        long tick = Math.max(50, props.tick().toMillis());
        scheduler.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        long renew = Math.max(100, props.lease().toMillis() / 3);
        scheduler.scheduleWithFixedDelay(
                () -> leases.renew(runs.values(), () -> closing), renew, renew, TimeUnit.MILLISECONDS);
        log.info(
                "kubernetes runner: namespace {}, owner {}, runtime class {}, user namespace {}, {} pods found",
                namespace,
                owner,
                props.runtimeClassName() == null ? "default" : props.runtimeClassName(),
                props.userNamespace(),
                inf.getStore().list().size());
        if (props.seccompLocalhostProfile() == null
                || props.seccompLocalhostProfile().isBlank()) {
            log.warn("kubernetes runner: run pods use the RuntimeDefault seccomp profile, which leaves rare socket "
                    + "families, the ptrace equivalents and clone namespace flags open (install "
                    + "infra/seccomp/sandpod-run.json and set sandpod.executor.kubernetes.seccomp-localhost-profile)");
        }
    }

    /** Stops watching; pods still going are handed over (lease released) for the next executor to adopt. */
    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        for (WatchedPod t : runs.values()) {
            handOver(t);
        }
        SharedIndexInformer<Pod> inf = informer;
        if (inf != null) {
            inf.close();
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Executions whose pods this executor watches right now. */
    Set<String> watchedExecutions() {
        return runs.values().stream()
                .filter(t -> t.state == WatchedPod.State.WATCHING)
                .map(t -> t.executionId)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** A cancel for a pod watched here (true), or a mark on a pod another executor may watch. */
    void cancel(String executionId, String reason) {
        String name = RunPod.name(executionId);
        WatchedPod tracked = runs.get(name);
        if (tracked != null) {
            requestCancel(tracked);
            return;
        }
        workers.execute(() -> leases.markCancelled(name, reason));
    }

    boolean closing() {
        return closing;
    }

    /** The executor is stopping: adopt nothing from now on, or it would take back the very pods it hands over. */
    void stopAdopting() {
        closing = true;
    }

    /** Adopts {@code pod} if nobody watches it (see {@link PodAdoption}). */
    void consider(Pod pod) {
        adoption.consider(pod);
    }

    boolean watches(String podName) {
        return runs.containsKey(podName);
    }

    /** Starts watching a pod; false when a watch of that pod exists already. */
    boolean track(WatchedPod t) {
        return runs.putIfAbsent(t.podName, t) == null;
    }

    void untrack(WatchedPod t) {
        runs.remove(t.podName, t);
    }

    PodLeases leases() {
        return leases;
    }

    void afterReport(WatchedPod t, CompletionStage<?> delivery) {
        cleanup.afterReport(t, delivery);
    }

    void emitOutput(OutputSink sink, RunResult result) {
        OutputFrames.emit(sink, StreamKind.STDOUT, result.stdout(), frameBytes);
        OutputFrames.emit(sink, StreamKind.STDERR, result.stderr(), frameBytes);
    }

    private void observed(Pod pod) {
        WatchedPod t = runs.get(pod.getMetadata().getName());
        if (t == null) {
            adoption.consider(pod);
            return;
        }
        t.seen = true;
        t.last = pod;
        evaluateLater(t);
    }

    private void observedGone(Pod pod) {
        WatchedPod t = runs.get(pod.getMetadata().getName());
        if (t == null) {
            return;
        }
        t.deleted = true;
        if (t.state == WatchedPod.State.CLEANING) {
            runs.remove(t.podName, t);
            return;
        }
        evaluateLater(t);
    }

    void evaluateLater(WatchedPod t) {
        if (closing || !t.queued.compareAndSet(false, true)) {
            return;
        }
        try {
            workers.execute(() -> {
                t.queued.set(false);
                try {
                    evaluate(t);
                } catch (RuntimeException e) {
                    log.warn("evaluating pod {} failed: {}", t.podName, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            t.queued.set(false);
        }
    }

    /** The pod monitor's decision for one run: nothing yet, or its result. */
    private void evaluate(WatchedPod t) {
        RunResult result;
        synchronized (t) {
            if (t.state != WatchedPod.State.WATCHING || !t.created) {
                return;
            }
            Pod pod = t.deleted ? null : cached(t.podName);
            if (pod == null) {
                if (!t.deleted) {
                    return;
                }
                result = PodVerdict.gone(t);
            } else {
                t.seen = true;
                t.last = pod;
                if (PodVerdict.cancelMark(pod) != null && !t.cancelRequested) {
                    log.info("pod {} cancelled by another executor: {}", t.podName, PodVerdict.cancelMark(pod));
                    requestCancel(t);
                }
                if (t.cancelRequested
                        && t.cancelSince != null
                        && Instant.now().isAfter(t.cancelSince.plus(CANCEL_RETRY))) {
                    requestCancel(t);
                }
                // A cancelled pod ends when it is gone: its DELETE event comes once the kubelet stopped it.
                result = t.cancelRequested ? null : verdict.judge(t, pod, Instant.now());
            }
            if (result == null) {
                return;
            }
            t.state = WatchedPod.State.CONCLUDED;
        }
        log.info(
                "pod {}: {} (exit {}{})",
                t.podName,
                result.outcome(),
                result.exitCode(),
                result.errorType() == null ? "" : ", " + result.errorType());
        t.result.complete(result);
    }

    void requestCancel(WatchedPod t) {
        t.cancelRequested = true;
        t.cancelSince = Instant.now();
        if (t.created && t.state == WatchedPod.State.WATCHING) {
            // Grace 1 s: the API object goes only when the kubelet has really stopped the container.
            workers.execute(() -> cleanup.deletePod(t.podName, 1L));
        }
    }

    void handOver(WatchedPod t) {
        synchronized (t) {
            if (t.state != WatchedPod.State.WATCHING) {
                return;
            }
            t.state = WatchedPod.State.HANDED_OVER;
        }
        runs.remove(t.podName, t);
        if (t.created) {
            // After any renewal in flight, so that the released lease is the last word.
            synchronized (t.leaseLock) {
                leases.release(t);
            }
        }
        t.result.complete(HANDED_OVER);
    }

    private void tick() {
        try {
            Instant now = Instant.now();
            for (WatchedPod t : runs.values()) {
                if (t.state == WatchedPod.State.WATCHING && t.created) {
                    if (!t.seen && !t.notSeenChecked && now.isAfter(t.since.plus(NOT_SEEN_CHECK))) {
                        t.notSeenChecked = true;
                        workers.execute(() -> {
                            if (client.pods()
                                            .inNamespace(namespace)
                                            .withName(t.podName)
                                            .get()
                                    == null) {
                                t.deleted = true;
                                evaluateLater(t);
                            }
                        });
                    }
                    evaluateLater(t);
                } else if (t.state == WatchedPod.State.CLEANING
                        && t.cleaningSince != null
                        && now.isAfter(t.cleaningSince.plus(CLEANUP_RETRY))) {
                    t.cleaningSince = now;
                    workers.execute(() -> cleanup.removeObjects(t));
                }
            }
            SharedIndexInformer<Pod> inf = informer;
            if (inf != null) {
                for (Pod pod : inf.getStore().list()) {
                    if (!runs.containsKey(pod.getMetadata().getName())) {
                        adoption.consider(pod);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("pod monitor tick failed: {}", e.toString());
        }
    }

    private Pod cached(String name) {
        SharedIndexInformer<Pod> inf = informer;
        return inf == null ? null : inf.getStore().getByKey(namespace + "/" + name);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
