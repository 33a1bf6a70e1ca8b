package dev.sandpod.executor.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import dev.sandpod.executor.kafka.RunReportPublisher;
import dev.sandpod.executor.runner.Runner;
import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.SandboxLimits;
import dev.sandpod.executor.sandbox.StreamKind;

/**
 * Runs each execution as one pod (SPEC §4) and watches it to its end with the pod monitor: a shared informer on
 * the run pods of the namespace (list + watch; a watch that ends with 410 Gone is followed by a fresh list, and a
 * full resync re-delivers every pod periodically) plus a tick that re-examines every tracked run (grace periods,
 * pods missing from the cache, orphans, cleanup retries).
 *
 * <p>Ownership: every pod carries its executor's name and a lease ({@code sandpod.dev/lease-until}) that the
 * executor renews while it tracks the pod. An executor that stops hands its pods over (lease 0); one that dies
 * loses them when the lease runs out. Any executor adopts a pod whose lease is over, or that carries its own
 * name but is not tracked (its previous life), by a patch conditional on the pod's resourceVersion — so exactly
 * one executor wins, watches the pod to its end, reports it once, and deletes it. Pods that finished while no
 * executor watched are adopted the same way: reported from their termination message and log, then reaped.
 *
 * <p>The pod is deleted (its ConfigMap too; the ownerReference would also have the garbage collector do it) only
 * after the broker acknowledged the final report; a report that cannot be delivered leaves the pod in place and
 * it is adopted and reported again.
 */
public final class KubernetesRunner implements Runner, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KubernetesRunner.class);

    /** Completes a run that this executor stopped watching without ending it; never reported. */
    private static final RunResult HANDED_OVER = RunResult.cancelled("handed over", PodOutcomes.CLK_TCK);
    private static final Duration NOT_SEEN_CHECK = Duration.ofSeconds(10);
    private static final Duration CLEANUP_RETRY = Duration.ofSeconds(10);
    private static final Duration CANCEL_RETRY = Duration.ofSeconds(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> PULL_TROUBLE = Set.of("ErrImagePull", "ImagePullBackOff");
    private static final Set<String> NEVER_STARTS = Set.of("InvalidImageName", "ErrImageNeverPull");

    private final KubernetesClient client;
    private final KubernetesRuntimeCatalog catalog;
    private final KubernetesRunnerProperties props;
    private final RunReportPublisher publisher;
    private final int frameBytes;
    private final String owner;
    private final String namespace;
    private final Map<String, Tracked> runs = new ConcurrentHashMap<>();
    private final Set<String> claiming = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private volatile SharedIndexInformer<Pod> informer;
    private volatile boolean closing;

    private enum State { WATCHING, CONCLUDED, CLEANING, HANDED_OVER }

    public KubernetesRunner(KubernetesClient client, KubernetesRuntimeCatalog catalog, KubernetesRunnerProperties props,
                            RunReportPublisher publisher, int frameBytes, String owner) {
        this.client = client;
        this.catalog = catalog;
        this.props = props;
        this.publisher = publisher;
        this.frameBytes = frameBytes;
        this.owner = owner;
        this.namespace = props.namespace();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("sandpod-pod-monitor"));
        this.workers = Executors.newFixedThreadPool(4, threads("sandpod-pod-worker"));
    }

    /** Hardens the namespace, lists the pods already there (adopting or reaping them) and starts watching. */
    public void start() {
        if (props.hardenNamespace()) {
            NamespaceHardening.apply(client, props);
        }
        SharedIndexInformer<Pod> inf = client.pods().inNamespace(namespace).withLabels(RunPod.selector())
                .runnableInformer(props.resync().toMillis());
        inf.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                observed(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                observed(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                observedGone(pod);
            }
        });
        // Never give up on the API server (the informer lists again and re-watches), except at the start for an
        // answer that no retry changes (no permission, no such namespace): then the executor does not start.
        inf.exceptionHandler((started, error) -> {
            if (!started && permanent(error)) {
                return false;
            }
            log.warn("pod informer: {}; retrying", error.toString());
            return true;
        });
        informer = inf;
        try {
            inf.start().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing run pods", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            inf.close();
            throw new IllegalStateException("cannot list and watch pods in namespace " + namespace + ": " + e, e);
        }
        long tick = Math.max(50, props.tick().toMillis());
        scheduler.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        long renew = Math.max(100, props.lease().toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::renewLeases, renew, renew, TimeUnit.MILLISECONDS);
        log.info("kubernetes runner: namespace {}, owner {}, runtime class {}, user namespace {}, {} pods found",
                namespace, owner, props.runtimeClassName() == null ? "default" : props.runtimeClassName(),
                props.userNamespace(), inf.getStore().list().size());
    }

    @Override
    public Run prepare(String executionId, String lang, String version, String script, SandboxLimits limits,
                       OutputSink sink) {
        PodRuntime runtime = catalog.runtime(lang, version).orElseThrow();
        return new PodRun(new RunPod.Spec(executionId, runtime, script, limits), sink);
    }

    @Override
    public int clkTck() {
        return PodOutcomes.CLK_TCK;
    }

    /**
     * A cancel for an execution the dispatcher holds no job for: an adopted pod here, or a pod another executor
     * watches — that one sees the annotation, deletes the pod and reports the cancellation.
     */
    @Override
    public void cancelElsewhere(String executionId, String reason) {
        String name = RunPod.name(executionId);
        Tracked tracked = runs.get(name);
        if (tracked != null) {
            requestCancel(tracked);
            return;
        }
        workers.execute(() -> {
            try {
                client.pods().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                        annotationsPatch(Map.of(RunPod.CANCELLED, reason == null ? "cancelled" : reason), null));
                log.info("pod {} marked cancelled for the executor that watches it", name);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    log.warn("cannot mark pod {} cancelled: {}", name, e.getMessage());
                }
            }
        });
    }

    /** Executions whose pods this executor watches right now (tests, health). */
    public Set<String> watchedExecutions() {
        return runs.values().stream().filter(t -> t.state == State.WATCHING).map(t -> t.executionId)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Stops watching; pods still going are handed over (lease released) for the next executor to adopt. */
    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        for (Tracked t : runs.values()) {
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

    /** One execution's pod as the dispatcher runs it. */
    private final class PodRun implements Run {

        private final RunPod.Spec spec;
        private final OutputSink sink;
        private volatile Tracked tracked;
        private volatile boolean cancelled;
        private volatile boolean aborted;

        private PodRun(RunPod.Spec spec, OutputSink sink) {
            this.spec = spec;
            this.sink = sink;
        }

        @Override
        public RunResult execute() {
            String name = RunPod.name(spec.executionId());
            if (closing || aborted) {
                return RunResult.failed("system_error", "Executor shut down before the run started",
                        PodOutcomes.CLK_TCK);
            }
            // Tracked before the pod exists, so that the informer never takes our own new pod for an orphan.
            Tracked t = new Tracked(spec.executionId(), name, false);
            if (runs.putIfAbsent(name, t) != null) {
                log.info("pod {} is already watched here; that watch reports it", name);
                return null;
            }
            tracked = t;
            if (cancelled) {
                runs.remove(name, t);
                return RunResult.cancelled("Execution cancelled", PodOutcomes.CLK_TCK);
            }
            Pod created;
            try {
                created = client.pods().inNamespace(namespace)
                        .resource(RunPod.pod(spec, namespace, props, owner, leaseUntil())).create();
            } catch (KubernetesClientException e) {
                runs.remove(name, t);
                if (e.getCode() == 409) {
                    // A redelivered request: the pod exists, watched by someone or waiting to be adopted.
                    log.info("pod {} exists already; it is adopted if nobody watches it", name);
                    Pod existing = client.pods().inNamespace(namespace).withName(name).get();
                    if (existing != null) {
                        consider(existing);
                    }
                    return null;
                }
                log.warn("cannot create pod {}: {}", name, e.getMessage());
                return RunResult.failed("system_error", "Cannot create the run pod: " + e.getMessage(),
                        PodOutcomes.CLK_TCK);
            }
            t.created = true;
            try {
                client.configMaps().inNamespace(namespace).resource(RunPod.configMap(spec, created)).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    // Concluded here; the pod goes with the clean-up after the report.
                    log.warn("cannot create config map {}: {}", name, e.getMessage());
                    t.state = State.CONCLUDED;
                    return RunResult.failed("system_error", "Cannot create the run's config map: " + e.getMessage(),
                            PodOutcomes.CLK_TCK);
                }
            }
            if (aborted) {
                // Handed over while the pod was being created: release the lease now that there is one.
                synchronized (t.leaseLock) {
                    releaseLease(t);
                }
                return null;
            }
            log.info("pod {} created: image {}, deadline {} s", name, spec.runtime().image(),
                    created.getSpec().getActiveDeadlineSeconds());
            if (cancelled) {
                requestCancel(t);
            }
            evaluateLater(t);
            RunResult result;
            try {
                result = t.result.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handOver(t);
                return null;
            } catch (ExecutionException e) {
                result = RunResult.failed("system_error", "pod monitor failed: " + e.getCause(), PodOutcomes.CLK_TCK);
            }
            if (result == HANDED_OVER) {
                return null;
            }
            emitOutput(sink, result);
            return result;
        }

        @Override
        public void cancel() {
            cancelled = true;
            Tracked t = tracked;
            if (t != null) {
                requestCancel(t);
            }
        }

        @Override
        public void abortForShutdown() {
            // The dispatcher only aborts when the executor stops: from now on adopt nothing, or this executor
            // would take back the very pods it hands over.
            closing = true;
            aborted = true;
            Tracked t = tracked;
            if (t != null) {
                handOver(t);
            }
        }

        @Override
        public void reported(CompletionStage<?> delivery) {
            Tracked t = tracked;
            if (t != null) {
                afterReport(t, delivery);
            }
        }
    }

    /** A pod this executor watches. Evaluations of one run are serialized on the instance. */
    private static final class Tracked {
        final String executionId;
        final String podName;
        final boolean adopted;
        final Instant since = Instant.now();
        final CompletableFuture<RunResult> result = new CompletableFuture<>();
        final AtomicBoolean queued = new AtomicBoolean();
        final Object leaseLock = new Object();
        volatile State state = State.WATCHING;
        volatile boolean created;
        volatile boolean seen;
        volatile boolean deleted;
        volatile boolean cancelRequested;
        volatile Pod last;
        volatile Instant pullTroubleSince;
        volatile Instant terminalSince;
        volatile Instant cleaningSince;
        volatile Instant cancelSince;
        volatile boolean notSeenChecked;

        Tracked(String executionId, String podName, boolean adopted) {
            this.executionId = executionId;
            this.podName = podName;
            this.adopted = adopted;
        }
    }

    private void observed(Pod pod) {
        Tracked t = runs.get(pod.getMetadata().getName());
        if (t == null) {
            consider(pod);
            return;
        }
        t.seen = true;
        t.last = pod;
        evaluateLater(t);
    }

    private void observedGone(Pod pod) {
        Tracked t = runs.get(pod.getMetadata().getName());
        if (t == null) {
            return;
        }
        t.deleted = true;
        if (t.state == State.CLEANING) {
            runs.remove(t.podName, t);
            return;
        }
        evaluateLater(t);
    }

    /** An untracked pod: adopt it when its lease is over or it carries our own name. */
    private void consider(Pod pod) {
        if (closing || pod.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String name = pod.getMetadata().getName();
        Map<String, String> annotations = PodOutcomes.annotations(pod);
        boolean ours = owner.equals(annotations.get(RunPod.OWNER));
        if (!ours && PodOutcomes.number(annotations.get(RunPod.LEASE_UNTIL), 0) > System.currentTimeMillis()) {
            return;
        }
        if (runs.containsKey(name) || !claiming.add(name)) {
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
        } catch (java.util.concurrent.RejectedExecutionException e) {
            claiming.remove(name);
        }
    }

    private void claim(Pod pod) {
        String name = pod.getMetadata().getName();
        String executionId = PodOutcomes.annotations(pod).get(RunPod.EXECUTION_ID);
        if (closing || runs.containsKey(name) || executionId == null) {
            return;
        }
        String previous = PodOutcomes.annotations(pod).get(RunPod.OWNER);
        Pod claimed;
        try {
            claimed = client.pods().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                    annotationsPatch(Map.of(RunPod.OWNER, owner, RunPod.LEASE_UNTIL, Long.toString(leaseUntil())),
                            pod.getMetadata().getResourceVersion()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                log.debug("pod {} not adopted: {}", name, e.getMessage());
            } else {
                log.warn("cannot adopt pod {}: {}", name, e.getMessage());
            }
            return;
        }
        Tracked t = new Tracked(executionId, name, true);
        t.created = true;
        t.seen = true;
        t.last = claimed;
        if (runs.putIfAbsent(name, t) != null) {
            return;
        }
        log.info("adopted pod {} of execution {} (was {}, phase {})", name, executionId, previous,
                claimed.getStatus() == null ? null : claimed.getStatus().getPhase());
        t.result.thenAcceptAsync(result -> {
            if (result != HANDED_OVER) {
                RunReportPublisher.Reporter reporter = publisher.forExecution(executionId);
                emitOutput(reporter, result);
                log.info("adopted run {} ended: {} exit {}", executionId, result.outcome(), result.exitCode());
                afterReport(t, reporter.finished(result));
            }
        }, workers);
        evaluateLater(t);
    }

    private void evaluateLater(Tracked t) {
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
        } catch (java.util.concurrent.RejectedExecutionException e) {
            t.queued.set(false);
        }
    }

    /** The pod monitor's decision for one run: nothing yet, or its result. */
    private void evaluate(Tracked t) {
        RunResult result;
        synchronized (t) {
            if (t.state != State.WATCHING || !t.created) {
                return;
            }
            Pod pod = t.deleted ? null : cached(t.podName);
            if (pod == null) {
                if (!t.deleted) {
                    return;
                }
                result = t.cancelRequested || cancelMark(t.last) != null
                        ? RunResult.cancelled("Execution cancelled", PodOutcomes.CLK_TCK)
                        : RunResult.failed("system_error", "The run pod was deleted before the run ended",
                                PodOutcomes.CLK_TCK);
            } else {
                t.seen = true;
                t.last = pod;
                if (cancelMark(pod) != null && !t.cancelRequested) {
                    log.info("pod {} cancelled by another executor: {}", t.podName, cancelMark(pod));
                    requestCancel(t);
                }
                if (t.cancelRequested && t.cancelSince != null
                        && Instant.now().isAfter(t.cancelSince.plus(CANCEL_RETRY))) {
                    requestCancel(t);
                }
                // A cancelled pod ends when it is gone: its DELETE event comes once the kubelet stopped it.
                result = t.cancelRequested ? null : verdict(t, pod, Instant.now());
            }
            if (result == null) {
                return;
            }
            t.state = State.CONCLUDED;
        }
        log.info("pod {}: {} (exit {}{})", t.podName, result.outcome(), result.exitCode(),
                result.errorType() == null ? "" : ", " + result.errorType());
        t.result.complete(result);
    }

    private RunResult verdict(Tracked t, Pod pod, Instant now) {
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
        String waiting = container == null || container.getState() == null || container.getState().getWaiting() == null
                ? null : container.getState().getWaiting().getReason();
        String image = PodOutcomes.annotations(pod).get(RunPod.IMAGE);
        if (waiting != null && NEVER_STARTS.contains(waiting)) {
            return RunResult.failed("system_error", "Runtime image " + image + " cannot be used: " + waiting + " "
                    + container.getState().getWaiting().getMessage(), PodOutcomes.CLK_TCK);
        }
        if (waiting != null && PULL_TROUBLE.contains(waiting)) {
            if (t.pullTroubleSince == null) {
                t.pullTroubleSince = now;
                log.info("pod {}: {} for image {}; failing after {}", t.podName, waiting, image, props.imagePullGrace());
            }
            if (!now.isBefore(t.pullTroubleSince.plus(props.imagePullGrace()))) {
                String message = container.getState().getWaiting().getMessage();
                return RunResult.failed("system_error", "Runtime image " + image + " cannot be pulled (" + waiting + ")"
                        + (message == null ? "" : ": " + message), PodOutcomes.CLK_TCK);
            }
        } else {
            t.pullTroubleSince = null;
        }
        Instant created = created(pod, t);
        if ("Pending".equals(phase) && now.isAfter(created.plus(props.pendingTimeout()))) {
            return RunResult.failed("system_error", "Run pod did not start within " + props.pendingTimeout().toSeconds()
                    + " s" + (waiting == null ? "" : " (" + waiting + ")"), PodOutcomes.CLK_TCK);
        }
        Long deadline = pod.getSpec() == null ? null : pod.getSpec().getActiveDeadlineSeconds();
        if (deadline != null && now.isAfter(created.plus(props.pendingTimeout()).plusSeconds(deadline)
                .plus(props.terminationGrace()).plus(props.resync()))) {
            // The kubelet should have ended it long ago: its node is gone or unresponsive.
            return RunResult.failed("system_error", "Run pod did not end by its deadline (phase " + phase
                    + "); its node may be lost", PodOutcomes.CLK_TCK);
        }
        return null;
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

    /** The log request of a run pod: only the run container, and no more than both capped streams need. */
    static String logPath(String namespace, String podName, long maxOutputBytes) {
        return "/api/v1/namespaces/" + namespace + "/pods/" + podName + "/log?container=" + RunPod.CONTAINER
                + "&limitBytes=" + RunWrapper.logLimitBytes(maxOutputBytes);
    }

    private void requestCancel(Tracked t) {
        t.cancelRequested = true;
        t.cancelSince = Instant.now();
        if (t.created && t.state == State.WATCHING) {
            // Grace 1 s: the API object goes only when the kubelet has really stopped the container.
            workers.execute(() -> deletePod(t.podName, 1L));
        }
    }

    private void handOver(Tracked t) {
        synchronized (t) {
            if (t.state != State.WATCHING) {
                return;
            }
            t.state = State.HANDED_OVER;
        }
        runs.remove(t.podName, t);
        if (t.created) {
            // After any renewal in flight, so that the released lease is the last word.
            synchronized (t.leaseLock) {
                releaseLease(t);
            }
        }
        t.result.complete(HANDED_OVER);
    }

    private void releaseLease(Tracked t) {
        try {
            client.pods().inNamespace(namespace).withName(t.podName).patch(PatchContext.of(PatchType.JSON_MERGE),
                    annotationsPatch(Map.of(RunPod.LEASE_UNTIL, "0"), null));
            log.info("pod {} handed over for another executor to adopt", t.podName);
        } catch (KubernetesClientException e) {
            log.warn("pod {} not handed over ({}); it is adopted when its lease ends", t.podName, e.getMessage());
        }
    }

    private void afterReport(Tracked t, CompletionStage<?> delivery) {
        delivery.whenComplete((ok, error) -> {
            if (error != null) {
                // Left in place and untracked: the tick adopts it again and reports it again.
                log.warn("report of pod {} not delivered ({}); it is reported again", t.podName, error.toString());
                t.state = State.HANDED_OVER;
                runs.remove(t.podName, t);
                return;
            }
            cleanUp(t);
        });
    }

    private void cleanUp(Tracked t) {
        t.state = State.CLEANING;
        t.cleaningSince = Instant.now();
        try {
            workers.execute(() -> removeObjects(t));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            removeObjects(t);
        }
    }

    private void removeObjects(Tracked t) {
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
    private boolean deletePod(String name, Long graceSeconds) {
        try {
            var pod = client.pods().inNamespace(namespace).withName(name);
            var deleted = graceSeconds == null ? pod.delete() : pod.withGracePeriod(graceSeconds).delete();
            return deleted.isEmpty();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return true;
            }
            log.warn("pod {} not deleted: {}", name, e.getMessage());
            return false;
        }
    }

    private void tick() {
        try {
            Instant now = Instant.now();
            for (Tracked t : runs.values()) {
                if (t.state == State.WATCHING && t.created) {
                    if (!t.seen && !t.notSeenChecked && now.isAfter(t.since.plus(NOT_SEEN_CHECK))) {
                        t.notSeenChecked = true;
                        workers.execute(() -> {
                            if (client.pods().inNamespace(namespace).withName(t.podName).get() == null) {
                                t.deleted = true;
                                evaluateLater(t);
                            }
                        });
                    }
                    evaluateLater(t);
                } else if (t.state == State.CLEANING && t.cleaningSince != null
                        && now.isAfter(t.cleaningSince.plus(CLEANUP_RETRY))) {
                    t.cleaningSince = now;
                    workers.execute(() -> removeObjects(t));
                }
            }
            SharedIndexInformer<Pod> inf = informer;
            if (inf != null) {
                for (Pod pod : inf.getStore().list()) {
                    if (!runs.containsKey(pod.getMetadata().getName())) {
                        consider(pod);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("pod monitor tick failed: {}", e.toString());
        }
    }

    private void renewLeases() {
        String until = Long.toString(leaseUntil());
        for (Tracked t : runs.values()) {
            if (closing) {
                return;
            }
            synchronized (t.leaseLock) {
                if (!t.created || t.state == State.HANDED_OVER || t.deleted) {
                    continue;
                }
                try {
                    client.pods().inNamespace(namespace).withName(t.podName).patch(
                            PatchContext.of(PatchType.JSON_MERGE), annotationsPatch(Map.of(RunPod.LEASE_UNTIL, until), null));
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

    private void emitOutput(OutputSink sink, RunResult result) {
        OutputFrames.emit(sink, StreamKind.STDOUT, result.stdout(), frameBytes);
        OutputFrames.emit(sink, StreamKind.STDERR, result.stderr(), frameBytes);
    }

    private Pod cached(String name) {
        SharedIndexInformer<Pod> inf = informer;
        return inf == null ? null : inf.getStore().getByKey(namespace + "/" + name);
    }

    private long leaseUntil() {
        return System.currentTimeMillis() + props.lease().toMillis();
    }

    private static boolean permanent(Throwable error) {
        Throwable cause = error;
        while (cause != null && !(cause instanceof KubernetesClientException) && cause.getCause() != null
                && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof KubernetesClientException k) {
            int code = k.getCode();
            return code == 400 || code == 401 || code == 403 || code == 404 || code == 422;
        }
        return io.fabric8.kubernetes.client.informers.ExceptionHandler.isDeserializationException(error);
    }

    private static String cancelMark(Pod pod) {
        return pod == null ? null : PodOutcomes.annotations(pod).get(RunPod.CANCELLED);
    }

    private static Instant created(Pod pod, Tracked t) {
        try {
            String ts = pod.getMetadata().getCreationTimestamp();
            return ts == null ? t.since : OffsetDateTime.parse(ts).toInstant();
        } catch (RuntimeException e) {
            return t.since;
        }
    }

    /** A JSON merge patch of annotations; with a resourceVersion it only applies to that version (409 else). */
    private static String annotationsPatch(Map<String, String> annotations, String resourceVersion) {
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

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
