package dev.sandpod.executor.kafka;

import dev.sandpod.api.avro.CancelRun;
import dev.sandpod.api.avro.RunCommand;
import dev.sandpod.api.avro.RunLimits;
import dev.sandpod.api.avro.RunRequested;
import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.executor.runner.Runner;
import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.SandboxLimits;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns run commands into runs of the configured {@link Runner} on a bounded worker pool, never on the consumer thread, so a
 * {@link CancelRun} reaches a run while it is going. Requests are idempotent per execution id: a duplicate of a
 * queued, running or recently finished execution of this process is ignored, and so is one that any executor took
 * on before, this one before a restart included ({@link HandledRuns}).
 */
public class RunDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunDispatcher.class);

    private final Runner runner;
    private final RuntimeCatalog catalog;
    private final RunReportPublisher publisher;
    private final HandledRuns handledRuns;
    private final Duration shutdownGrace;
    private final ThreadPoolExecutor pool;
    private final Map<String, Job> active = new ConcurrentHashMap<>();
    private final Set<String> finished;
    private final Set<String> cancelledBeforeRequest;
    private volatile boolean closing;
    private volatile ObservationRegistry observations = ObservationRegistry.NOOP;

    public RunDispatcher(
            Runner runner,
            RuntimeCatalog catalog,
            RunReportPublisher publisher,
            HandledRuns handledRuns,
            int workers,
            int queueCapacity,
            int remembered,
            Duration shutdownGrace) {
        this.runner = runner;
        this.catalog = catalog;
        this.publisher = publisher;
        this.handledRuns = handledRuns;
        this.shutdownGrace = shutdownGrace;
        AtomicInteger n = new AtomicInteger();
        // Core threads never time out: a sandbox dies with the thread that started it (PR_SET_PDEATHSIG).
        this.pool = new ThreadPoolExecutor(
                workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, "sandpod-run-" + n.incrementAndGet());
                    t.setDaemon(false);
                    return t;
                });
        this.finished = boundedSet(remembered);
        this.cancelledBeforeRequest = boundedSet(remembered);
    }

    /**
     * Each run becomes a {@code sandpod.run} observation (a span of the execution's trace and a timer), child of
     * the consumer's observation of the run request, so its reports carry the same trace to the platform.
     */
    public void observeWith(ObservationRegistry registry) {
        this.observations = registry;
    }

    /** Executions queued or running right now. */
    public int activeCount() {
        return active.size();
    }

    public void handle(RunCommand command) {
        String id = command.getExecutionId();
        Object payload = command.getPayload();
        MDC.put("execution_id", id);
        try {
            if (payload instanceof RunRequested requested) {
                request(id, requested, command.getTrace());
            } else if (payload instanceof CancelRun cancel) {
                cancel(id, cancel.getReason());
            } else {
                log.warn("run command of unknown kind {} ignored", payload == null ? null : payload.getClass());
            }
        } finally {
            MDC.remove("execution_id");
        }
    }

    private synchronized void request(String id, RunRequested requested, Map<String, String> trace) {
        if (closing) {
            log.info("run request arrived during shutdown; ignored, the platform's backstop ends it");
            return;
        }
        if (active.containsKey(id) || finished.contains(id)) {
            log.info("duplicate run request ignored");
            return;
        }
        if (!handledRuns.claim(id)) {
            // Its reports (or the platform's backstop) end the execution; a second run would only repeat them.
            log.info("run request taken on before (by this executor before a restart, or by another) ignored");
            finished.add(id);
            return;
        }
        RunReportPublisher.Reporter reporter = publisher.forExecution(id);
        if (cancelledBeforeRequest.remove(id)) {
            end(id, reporter, RunResult.Outcome.CANCELLED, null, "Execution cancelled before it started");
            return;
        }
        Optional<String> rejection = catalog.rejection(requested.getLang(), requested.getLangVersion());
        if (rejection.isPresent()) {
            end(id, reporter, RunResult.Outcome.FAILED, "system_error", rejection.get());
            return;
        }
        SandboxLimits limits;
        try {
            limits = limits(requested.getLimits());
        } catch (IllegalArgumentException e) {
            end(id, reporter, RunResult.Outcome.FAILED, "system_error", "invalid limits: " + e.getMessage());
            return;
        }
        ExecutionInputs inputs = new ExecutionInputs(
                requested.getStdin(),
                requested.getArgs(),
                requested.getFiles().stream()
                        .map(file -> new ExecutionInputs.InputFile(file.getName(), file.getContent()))
                        .toList(),
                null);
        Runner.Run run;
        try {
            run = runner.prepare(
                    id,
                    requested.getLang(),
                    requested.getLangVersion(),
                    requested.getScript(),
                    inputs,
                    limits,
                    reporter);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // the platform validated the inputs; a request that still fails here never reaches a workspace
            end(id, reporter, RunResult.Outcome.FAILED, "system_error", "invalid run inputs: " + e.getMessage());
            return;
        }
        Job job = new Job(id, requested.getLang(), run, reporter, trace, observations.getCurrentObservation());
        active.put(id, job);
        try {
            pool.execute(() -> work(job));
        } catch (RejectedExecutionException e) {
            active.remove(id);
            end(
                    id,
                    reporter,
                    RunResult.Outcome.FAILED,
                    "system_error",
                    "executor busy: " + pool.getQueue().size() + " runs already waiting");
        }
    }

    private void cancel(String id, String reason) {
        Job job;
        synchronized (this) {
            job = active.get(id);
            if (job == null) {
                if (!finished.contains(id)) {
                    // Cancelled before its request got here (redelivery, reordering): refuse it when it comes.
                    cancelledBeforeRequest.add(id);
                }
                log.info("cancel for an execution not running here passed to the runner ({})", reason);
                runner.cancelElsewhere(id, reason);
                return;
            }
        }
        log.info("cancelling run ({})", reason);
        if (job.claim()) {
            // Still waiting for a worker: it never starts, the worker will skip it.
            done(job);
            end(id, job.reporter, RunResult.Outcome.CANCELLED, null, "Execution cancelled before it started");
        } else {
            job.run.cancel();
        }
    }

    private void work(Job job) {
        if (!job.claim()) {
            return;
        }
        MDC.put("execution_id", job.id);
        String traceparent = job.trace == null ? null : job.trace.get("traceparent");
        if (traceparent != null) {
            MDC.put("traceparent", traceparent);
        }
        Observation observation = Observation.createNotStarted("sandpod.run", observations)
                .contextualName("run " + job.lang)
                .parentObservation(job.parent)
                .lowCardinalityKeyValue("lang", job.lang)
                .highCardinalityKeyValue("execution.id", job.id)
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            job.reporter.started();
            RunResult result = job.run.execute();
            if (result == null) {
                log.info("run handed over; whoever watches it to its end reports it");
                return;
            }
            log.info(
                    "run ended: {} exit {} in {} s",
                    result.outcome(),
                    result.exitCode(),
                    String.format("%.3f", result.wallSeconds()));
            job.run.reported(job.reporter.finished(result));
        } catch (RuntimeException e) {
            observation.error(e);
            log.error("run failed unexpectedly", e);
            job.reporter.finished(RunResult.failed("system_error", "executor error: " + e, runner.clkTck()));
        } finally {
            observation.stop();
            done(job);
            MDC.remove("execution_id");
            MDC.remove("traceparent");
        }
    }

    private synchronized void done(Job job) {
        active.remove(job.id);
        finished.add(job.id);
    }

    private synchronized void end(
            String id,
            RunReportPublisher.Reporter reporter,
            RunResult.Outcome outcome,
            String errorType,
            String message) {
        finished.add(id);
        if (outcome == RunResult.Outcome.FAILED) {
            log.warn("run not started: {}", message);
        }
        reporter.finished(
                outcome == RunResult.Outcome.CANCELLED
                        ? RunResult.cancelled(message, runner.clkTck())
                        : RunResult.failed(errorType, message, runner.clkTck()));
    }

    /** Kills every running sandbox (FAILED/system_error), fails every queued run, and waits for their reports. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        for (Job job : active.values()) {
            if (job.claim()) {
                done(job);
                job.reporter.finished(
                        RunResult.failed("system_error", "Executor shut down before the run started", runner.clkTck()));
            } else {
                job.run.abortForShutdown();
            }
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            publisher.flush();
        } catch (RuntimeException e) {
            log.warn("run reports not flushed at shutdown: {}", e.toString());
        }
    }

    static SandboxLimits limits(RunLimits l) {
        if (l == null) {
            throw new IllegalArgumentException("missing");
        }
        return new SandboxLimits(
                Duration.ofSeconds(l.getTimeoutSeconds()),
                l.getMemoryBytes(),
                l.getCpuMillis(),
                l.getPids(),
                l.getMaxOutputBytes(),
                l.getWorkspaceBytes());
    }

    private static Set<String> boundedSet(int max) {
        return Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > max;
            }
        }));
    }

    private static final class Job {
        private final String id;
        private final String lang;
        private final Runner.Run run;
        private final RunReportPublisher.Reporter reporter;
        private final Map<String, String> trace;
        /** The run request's observation on the consumer thread: the parent of the run's. */
        private final Observation parent;

        private final AtomicBoolean claimed = new AtomicBoolean();

        private Job(
                String id,
                String lang,
                Runner.Run run,
                RunReportPublisher.Reporter reporter,
                Map<String, String> trace,
                Observation parent) {
            this.id = id;
            this.lang = lang;
            this.run = run;
            this.reporter = reporter;
            this.trace = trace;
            this.parent = parent;
        }

        /** Exactly one of the worker and an early cancel/shutdown gets to decide the job's fate. */
        boolean claim() {
            return claimed.compareAndSet(false, true);
        }
    }
}
