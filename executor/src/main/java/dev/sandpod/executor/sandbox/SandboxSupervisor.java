package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.ExecutorProperties;
import dev.sandpod.executor.ExecutorProperties.OutputOverflow;
import dev.sandpod.executor.sandbox.SandboxRun.Termination;
import dev.sandpod.executor.sandbox.cgroup.RunCgroup;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host processes of runs: launches a run's chain with its status file, cgroups and uid, hands it its script,
 * copies its output while it goes, ends it at its timeout, kills what is left and frees everything it held. Every
 * process of a run is dead before its result is returned; freeing its cgroups, uid and status file happens after,
 * on a clean-up thread, out of the run's latency.
 *
 * <p>Just over 300 lines, kept whole: starting, supervising, finishing and discarding a sandbox share the kill
 * order and the release of what the sandbox holds, which read best side by side.
 */
final class SandboxSupervisor {

    private static final Logger log = LoggerFactory.getLogger(SandboxSupervisor.class);

    /** Scripts up to this size fit into the pipe's buffer: written on the run's thread without a hand-off. */
    private static final int SYNC_SCRIPT_BYTES = 4096;
    /** How long a run may crawl at its memory limit before it counts as out of memory (see LiveOutput). */
    private static final Duration THRASH_WINDOW = Duration.ofMillis(500);

    /** How often a killed chain that has not exited yet is killed again (see waitForExit). */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final AtomicLong RUN_COUNTER = new AtomicLong();

    private final ExecutorProperties.Sandbox settings;
    private final int frameBytes;
    private final Duration frameInterval;
    private final SandboxHost host;
    private final SandboxCommand command;
    private final ScheduledExecutorService ticker;
    private final ExecutorService readers;
    /** Frees cgroups, uids and files of finished runs after their results went out; see {@link #finish}. */
    private final ExecutorService cleaner;

    SandboxSupervisor(
            ExecutorProperties.Sandbox settings,
            int frameBytes,
            Duration frameInterval,
            SandboxHost host,
            SandboxCommand command) {
        this.settings = settings;
        this.frameBytes = frameBytes;
        this.frameInterval = frameInterval;
        this.host = host;
        this.command = command;
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("sandpod-sandbox-ticker"));
        this.readers = Executors.newCachedThreadPool(daemon("sandpod-sandbox-output"));
        this.cleaner = Executors.newSingleThreadExecutor(daemon("sandpod-sandbox-cleanup"));
    }

    /**
     * Launches the chain for a run of {@code spec}'s shape, with the spec's limits; it blocks in bwrap until its
     * script is written. Whatever it created is removed again when launching fails.
     */
    StartedSandbox start(RunSpec spec, String label) throws IOException {
        String name = runName(label);
        Path instanceDir = host.instanceDir();
        Path status = instanceDir.resolve(name + ".status");
        RunCgroup group = null;
        Integer uid = null;
        boolean launched = false;
        try {
            Files.createFile(status, WorkDir.PRIVATE_FILE);
            // One mount point serves every run: each run mounts its tmpfs there in its own mount namespace only.
            Path mountPoint = host.ownWorkspaceMount() ? instanceDir.resolve(WorkDir.MOUNT_POINT) : null;
            SandboxLimits limits = spec.limits();
            if (host.cgroups().active()) {
                group = host.cgroups().create(name, limits.memoryBytes(), limits.pids(), limits.cpuMillis());
            }
            uid = host.uids() != null ? host.uids().acquire() : null;
            List<Path> procs = group != null ? group.procsFiles() : List.of();
            ProcessBuilder pb =
                    new ProcessBuilder(command.argv(spec, procs, uid, status, mountPoint)).directory(new File("/"));
            pb.environment().clear();
            pb.environment().put("PATH", host.tools().path());
            long started = System.nanoTime();
            Process process = pb.start();
            launched = true;
            return new StartedSandbox(name, process, group, uid, status, started);
        } finally {
            if (!launched) {
                release(group, uid, status);
            }
        }
    }

    /**
     * Runs {@code run} in its started sandbox to the end: gives it its script, captures its output, kills it at its
     * timeout, a cancel or a limit, and judges the end (see {@link SandboxVerdict}).
     *
     * @param started when the run's clock started (the claim, for a pre-started sandbox)
     */
    RunResult supervise(SandboxRun run, StartedSandbox sandbox, long started) {
        Process process = sandbox.process();
        RunCgroup group = sandbox.group();
        Path status = sandbox.status();
        RunSpec spec = run.spec();
        SandboxLimits limits = spec.limits();
        int clkTck = host.clkTck();
        OutputCapture out = new OutputCapture(StreamKind.STDOUT, limits.maxOutputBytes(), frameBytes);
        OutputCapture err = new OutputCapture(StreamKind.STDERR, limits.maxOutputBytes(), frameBytes);
        run.attach(process, group, host.monitorDepth());
        LiveOutput live = new LiveOutput(run, List.of(out, err), group, process.toHandle(), (int)
                Math.max(2, THRASH_WINDOW.toMillis() / Math.max(1, frameInterval.toMillis())));
        boolean killOnOverflow = settings.outputOverflow() == OutputOverflow.KILL;
        Future<?> outReader = readers.submit(() -> OutputPump.pump(process.getInputStream(), out, run, killOnOverflow));
        Future<?> errReader = readers.submit(() -> OutputPump.pump(process.getErrorStream(), err, run, killOnOverflow));
        byte[] script = spec.script().getBytes(StandardCharsets.UTF_8);
        if (script.length <= SYNC_SCRIPT_BYTES) {
            writeScript(process, script, spec);
        } else {
            // A large script could fill the pipe before bwrap reads it; the run's timeout must still apply.
            readers.submit(() -> writeScript(process, script, spec));
        }
        ScheduledFuture<?> tick = ticker.scheduleWithFixedDelay(
                live::tick, frameInterval.toMillis(), frameInterval.toMillis(), TimeUnit.MILLISECONDS);
        boolean interrupted = false;
        int exitValue;
        try {
            long deadline = started + limits.timeout().toNanos();
            // In slices: a cancel or limit from another thread may have found the chain before its fork, with
            // nothing it could kill yet; waitForExit kills again until the chain is gone.
            while (!process.waitFor(
                    Math.max(0, Math.min(deadline - System.nanoTime(), WAIT_SLICE_NANOS)), TimeUnit.NANOSECONDS)) {
                if (run.termination() != null) {
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    run.terminate(Termination.TIMEOUT);
                    break;
                }
            }
        } catch (InterruptedException e) {
            // The worker is being stopped: end the run like a shutdown, clean up, then pass the interrupt on.
            interrupted = true;
            run.terminate(Termination.SHUTDOWN);
        }
        try {
            exitValue = waitForExit(process, group);
        } finally {
            tick.cancel(false);
        }
        double wallSeconds = (System.nanoTime() - started) / 1e9;
        if (group != null) {
            // Nothing is left once the chain's first process is gone (see waitForExit); this proves it before the
            // result goes out, and kills a straggler should the kernel ever disagree.
            group.killAndAwaitEmpty(settings.killGrace());
        }
        OutputPump.await(outReader, process.getInputStream(), settings.killGrace());
        OutputPump.await(errReader, process.getErrorStream(), settings.killGrace());
        live.finish();

        if (group != null && group.memoryLimitHit()) {
            run.terminate(Termination.MEMORY_LIMIT);
        }
        OptionalLong cpuNanos = group == null ? OptionalLong.empty() : group.cpuNanos();
        long cpuJiffies = cpuNanos.isPresent()
                ? cpuNanos.getAsLong() * clkTck / 1_000_000_000L
                : live.sampledCpuNanos() * clkTck / 1_000_000_000L;
        OptionalLong peakBytes = group == null ? OptionalLong.empty() : group.peakMemoryBytes();
        long peakKb = peakBytes.isPresent() ? peakBytes.getAsLong() / 1024 : live.sampledPeakKb();
        Integer reportedExit = WorkDir.reportedExitCode(status);

        RunResult result = SandboxVerdict.judge(
                spec,
                new SandboxVerdict.Observed(
                        run.termination(), reportedExit, exitValue, out, err, wallSeconds, cpuJiffies, peakKb),
                clkTck);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    /**
     * Ends a run's sandbox: every process of it is dead before this returns, so before the run's result goes out.
     * Freeing its cgroups (already killed and empty: the whole pid namespace is gone once the chain's first
     * process exited), its uid and its status file waits on the clean-up thread, out of the run's latency;
     * {@link #close()} waits for it. Removing a v1 memory cgroup alone can take milliseconds.
     */
    void finish(StartedSandbox sandbox) {
        Process process = sandbox.process();
        if (process.isAlive()) {
            SandboxRun.killChain(process, host.monitorDepth());
            waitForExit(process, sandbox.group());
        }
        closeQuietly(process.getOutputStream());
        try {
            cleaner.execute(() -> release(sandbox.group(), sandbox.uid(), sandbox.status()));
        } catch (RejectedExecutionException e) {
            release(sandbox.group(), sandbox.uid(), sandbox.status());
        }
    }

    /** Kills what is left of the sandbox's chain and frees its cgroups, uid and status file. */
    void discard(StartedSandbox sandbox) {
        Process process = sandbox.process();
        if (process.isAlive()) {
            // Killed before its script pipe closes, so a discarded sandbox never gets to run anything. A waiting
            // sandbox may be at any stage of its set-up, so the whole run group goes first: everything that joined it
            // dies at once, and unshare, outside the group, reaps it and exits. The chain walk then only matters for
            // a chain that has not joined its group yet.
            if (sandbox.group() != null) {
                sandbox.group().killAll();
            }
            SandboxRun.killChain(process, host.monitorDepth());
            waitForExit(process, sandbox.group());
        }
        closeQuietly(process.getOutputStream());
        release(sandbox.group(), sandbox.uid(), sandbox.status());
    }

    /** Waits until the clean-up of every run finished so far is done (tests check the host after it). */
    void awaitCleanup(Duration wait) {
        try {
            cleaner.submit(() -> {}).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn("clean-up of finished runs not done: {}", e.toString());
        }
    }

    /** Stops the threads: waits for the clean-up of finished runs and for the output readers, within the grace. */
    void close() {
        ticker.shutdownNow();
        cleaner.shutdown();
        try {
            if (!cleaner.awaitTermination(settings.killGrace().toMillis() * 2, TimeUnit.MILLISECONDS)) {
                log.warn(
                        "clean-up of finished runs still going after {}",
                        settings.killGrace().multipliedBy(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.shutdown();
        try {
            if (!readers.awaitTermination(settings.killGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                readers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release(RunCgroup group, Integer uid, Path status) {
        if (group != null) {
            group.remove();
        }
        if (uid != null) {
            host.uids().release(uid);
        }
        WorkDir.deleteQuietly(status);
    }

    /** Gives the sandbox its script: bwrap copies it into the workspace and, at the pipe's end, goes on. */
    private void writeScript(Process process, byte[] script, RunSpec spec) {
        try (var in = process.getOutputStream()) {
            in.write(script);
        } catch (IOException e) {
            // The sandbox died before taking it: the status file then lacks exit-code, a setup failure.
            log.debug("script of {} not delivered: {}", spec.name(), e.toString());
        }
    }

    /**
     * Waits for the chain's first process (the launch link, or bubblewrap's monitor without root). A killed chain
     * is killed again every slice, inside out, and after the first slice through its cgroups as well: a chain
     * that was still forking when it was first killed has its child now. The first process is never killed while
     * it has a child unless the chain outlives five grace periods (then it is logged): a killed parent leaves its
     * children to the host's init, and their zombies (of the run's uid) to its schedule. Once the first process
     * is gone, every other process of the run is gone too: the kernel ends a pid namespace's processes before its
     * init's parent can reap the init.
     */
    private int waitForExit(Process process, RunCgroup group) {
        long killGrace = settings.killGrace().toNanos();
        long begun = System.nanoTime();
        boolean warned = false;
        try {
            for (int slice = 0; !process.waitFor(WAIT_SLICE_NANOS, TimeUnit.NANOSECONDS); slice++) {
                SandboxRun.killChain(process, host.monitorDepth());
                if (group != null && slice > 0) {
                    group.killAll();
                }
                long waited = System.nanoTime() - begun;
                if (!warned && waited >= killGrace) {
                    warned = true;
                    log.warn(
                            "run's first process {} still alive {} after the kill",
                            process.pid(),
                            settings.killGrace());
                }
                if (waited >= 5 * killGrace) {
                    log.warn("run's first process {} still alive after {}; killing it", process.pid(), waited / 1e9);
                    process.destroyForcibly();
                    return process.waitFor();
                }
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            log.debug("closing a sandbox pipe: {}", e.toString());
        }
    }

    private static String runName(String label) {
        String safe = label == null ? "run" : label.replaceAll("[^A-Za-z0-9_-]", "_");
        if (safe.length() > 40) {
            safe = safe.substring(0, 40);
        }
        return "run-" + safe + "-" + RUN_COUNTER.incrementAndGet();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
