package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.ExecutorProperties;
import dev.sandpod.executor.sandbox.SandboxRun.Termination;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scripts on this host inside bubblewrap: the local runner.
 *
 * <p>Each run is started as a chain of execs in one host process, so nothing of it ever exists outside its
 * cgroups and a single SIGKILL ends it. As root: {@code unshare --mount --pid --fork} (a private mount
 * namespace that only this run's processes hold, and a pid namespace whose init is the rest of the chain, so
 * the kernel reaps every process of the run when it ends; the forking parent only waits) → {@code sh} (writes
 * its own pid into the run's cgroups, opens the status/script fds, mounts the run's tmpfs with a size and an
 * inode limit, sets rlimits with the {@code ulimit} builtin) → {@code setpriv} (a per-run unprivileged host uid,
 * no_new_privs) → {@code bwrap} (fresh user/pid/mount/net/ipc/uts/cgroup namespaces, read-only host binds, the
 * tmpfs as {@code /workspace}, {@code /tmp}, {@code /var/tmp} and {@code /dev/shm}, no capabilities, seccomp)
 * → the interpreter. Where the host has a C compiler, the links before bwrap are one exec of {@code sandpod-launch}
 * instead ({@link LaunchHelper}): the same steps in the same order, 4–7 ms less CPU per run (measured on the
 * 2-core development host) than four dynamically linked programs.
 *
 * <p>The run's files live only in that tmpfs, which exists only in the run's own mount namespace: when the last
 * process of the run dies the kernel frees it, so removing the workspace never walks a tree the run wrote and
 * nothing can be left mounted on the host. The host side only ever touches its own files (the run's script and
 * status, and one empty mount point shared by all runs), never a path inside the sandbox. Without root, the
 * run's tmpfs comes from bwrap instead (sized, but without an inode limit) and runs keep the JVM's uid.
 *
 * <p>The script reaches the sandbox through the chain's stdin pipe, which the shell link moves to the fd bwrap
 * copies into the workspace file ({@code --file}); the run's own stdin is /dev/null. Until the script is written
 * and the pipe closed, bwrap sits in that read with every namespace, mount, uid and cgroup of the run in place and
 * nothing of the user's code started. That is what the {@link SandboxPool} keeps ready: a run claims such a
 * sandbox, gets its own memory/pids/CPU limits written to the sandbox's cgroups, and only pays for the rest of
 * bwrap's set-up and the interpreter. A run without a ready sandbox starts one the same way and writes its script
 * at once, so pooled and cold runs go through the same launch; only the waiting differs. Limits that are fixed on
 * the command line (workspace size, rlimits) are part of the pool's run shape, so a sandbox is only ever claimed
 * by a run it was started for.
 *
 * <p>This class ties the parts together and owns the runs' lifecycle (pool, active runs, shutdown):
 * {@link SandboxHost} finds out once what the host supports, {@link SandboxCommand} builds each run's command line,
 * {@link SandboxSupervisor} starts, feeds, watches, kills and cleans up the run's processes, and
 * {@link SandboxVerdict} judges how a run ended.
 */
public final class LocalSandboxRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalSandboxRunner.class);

    /** How long {@link #drainPool()} waits for the clean-up of finished runs; a loaded host can be slow. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(60);

    private final ExecutorProperties.Sandbox settings;
    private final SandboxHost host;
    private final SandboxCommand command;
    private final SandboxSupervisor supervisor;
    private final Set<SandboxRun> active = ConcurrentHashMap.newKeySet();
    private final SandboxCapabilities capabilities;
    /** Null when pooling is off or the sandbox is unavailable: every run then starts cold. */
    private final SandboxPool<RunShape, StartedSandbox> pool;

    private volatile boolean closed;

    public LocalSandboxRunner(ExecutorProperties.Sandbox settings, int frameBytes, Duration frameInterval) {
        this.settings = settings;
        String instance = ProcessHandle.current().pid() + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        this.host = new SandboxHost(settings, instance);
        this.command = host.command();
        this.supervisor = new SandboxSupervisor(settings, frameBytes, frameInterval, host, command);
        String problem = host.problem();
        if (problem == null) {
            problem = canary();
        }
        this.capabilities = host.describe(problem);
        if (capabilities.available()) {
            log.info(capabilities.summary());
        } else {
            log.error(capabilities.summary());
        }
        ExecutorProperties.Pool poolSettings = settings.pool();
        this.pool = capabilities.available() && poolSettings.size() > 0
                ? new SandboxPool<>(
                        new PoolStarter(), poolSettings, settings.killGrace().multipliedBy(2))
                : null;
        if (pool != null) {
            log.info(
                    "sandbox pool: up to {} pre-started sandboxes for each of the {} most recently used run shapes, "
                            + "dropped after {} unused",
                    poolSettings.size(),
                    poolSettings.shapes(),
                    poolSettings.idle());
        }
    }

    /** What is fixed when a sandbox starts, apart from its cgroup limits: a pooled sandbox serves only this. */
    record RunShape(List<String> argv, String fileName, Map<String, String> env, long workspaceBytes, String rlimits) {}

    private final class PoolStarter implements SandboxPool.Starter<StartedSandbox> {

        @Override
        public StartedSandbox start(RunSpec template) throws IOException {
            return supervisor.start(template, "pooled");
        }

        @Override
        public boolean usable(StartedSandbox sandbox) {
            return sandbox.process().isAlive();
        }

        @Override
        public void discard(StartedSandbox sandbox) {
            supervisor.discard(sandbox);
        }
    }

    public SandboxCapabilities capabilities() {
        return capabilities;
    }

    /** What protects runs on this host (for admins; see docs/hostile-second-set.md). */
    public Map<String, Object> protections() {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("available", capabilities.available());
        if (!capabilities.available()) {
            p.put("problem", capabilities.problem());
        }
        p.putAll(host.protections());
        return p;
    }

    /** Whether {@code uid} is one this runner gives its runs (tests look for leftover processes by uid). */
    boolean ownsUid(int uid) {
        return host.uids() != null && host.uids().owns(uid);
    }

    /** Where this runner keeps its per-run files (tests check that nothing of a run is left there). */
    Path instanceDir() {
        return host.instanceDir();
    }

    /** This runner's cgroup directories, one per used hierarchy (tests check that no run group is left). */
    List<Path> cgroupDirs() {
        return host.cgroups().instanceDirs();
    }

    public int clkTck() {
        return host.clkTck();
    }

    /**
     * A run that has not started yet; nothing is created on the host for it until {@link SandboxRun#execute()},
     * which takes a pre-started sandbox of the run's shape if one is ready.
     */
    public SandboxRun prepare(RunSpec spec, OutputSink sink) {
        return new SandboxRun(this, spec, sink, true);
    }

    /**
     * A run that always starts its own sandbox and teaches the pool nothing: for one-off runs such as the
     * interpreter probes, whose shapes no user run has.
     */
    public SandboxRun prepareOneOff(RunSpec spec, OutputSink sink) {
        return new SandboxRun(this, spec, sink, false);
    }

    /** How often runs found a pre-started sandbox ready; all zero when pooling is off. */
    public PoolStatistics poolStatistics() {
        return pool == null ? new PoolStatistics(0, 0, 0) : pool.statistics();
    }

    /** Ready pre-started sandboxes (tests look at it). */
    int pooledSandboxes() {
        return pool == null ? 0 : pool.ready();
    }

    /** Ready pre-started sandboxes for runs of {@code spec}'s shape. */
    int pooledSandboxes(RunSpec spec) {
        return pool == null ? 0 : pool.ready(shape(spec));
    }

    /**
     * Discards every pre-started sandbox, forgets the used shapes and waits until finished runs are cleaned up
     * (tests check the host after it).
     */
    void drainPool() {
        if (pool != null) {
            pool.drain();
        }
        supervisor.awaitCleanup(DRAIN_WAIT);
    }

    /** Kills every run still going (SHUTDOWN), discards the pool and removes this instance's cgroups and files. */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
        for (SandboxRun run : active) {
            run.terminate(Termination.SHUTDOWN);
        }
        // Let the killed runs clean up after themselves and return their results before the threads go.
        long deadline = System.nanoTime() + settings.killGrace().multipliedBy(2).toNanos();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        supervisor.close();
        host.close();
    }

    RunResult execute(SandboxRun run) {
        if (!capabilities.available()) {
            return RunResult.notStarted(
                    RunResult.Outcome.FAILED,
                    "system_error",
                    "local sandbox unavailable: " + capabilities.problem(),
                    host.clkTck());
        }
        // Registered before the closed check: close() either sees this run or this run sees close().
        active.add(run);
        try {
            if (closed) {
                run.terminate(Termination.SHUTDOWN);
            }
            if (run.termination() != null) {
                return SandboxVerdict.terminatedBeforeStart(run.termination(), host.clkTck());
            }
            return executeStarted(run, run.poolable() && pool != null);
        } finally {
            active.remove(run);
        }
    }

    private RunResult executeStarted(SandboxRun run, boolean pooled) {
        RunSpec spec = run.spec();
        StartedSandbox sandbox = pooled ? claim(spec) : null;
        try {
            // A ready sandbox's clock starts at the claim: its set-up was no part of this run.
            long started = System.nanoTime();
            if (sandbox == null) {
                sandbox = supervisor.start(spec, spec.name());
                started = sandbox.startedNanos();
            }
            return supervisor.supervise(run, sandbox, started);
        } catch (IOException | RuntimeException e) {
            log.warn("sandbox setup failed for {}: {}", spec.name(), e.toString());
            return RunResult.notStarted(
                    RunResult.Outcome.FAILED, "system_error", "sandbox setup failed: " + e.getMessage(), host.clkTck());
        } finally {
            if (sandbox != null) {
                supervisor.finish(sandbox);
            }
            if (pooled) {
                pool.replenish(shape(spec));
            }
        }
    }

    /**
     * A pre-started sandbox of the run's shape with the run's own cgroup limits, or null (start cold). One the
     * kernel will not give the run's limits (a memory limit below what its set-up already uses) is discarded.
     */
    private StartedSandbox claim(RunSpec spec) {
        StartedSandbox sandbox = pool.claim(shape(spec), spec);
        if (sandbox != null && sandbox.group() != null) {
            SandboxLimits limits = spec.limits();
            try {
                sandbox.group().relimit(limits.memoryBytes(), limits.pids(), limits.cpuMillis());
            } catch (IOException | RuntimeException e) {
                log.debug("pre-started sandbox refused the limits of {}, starting cold: {}", spec.name(), e.toString());
                supervisor.discard(sandbox);
                return null;
            }
        }
        return sandbox;
    }

    private RunShape shape(RunSpec spec) {
        return new RunShape(
                spec.argv(),
                spec.fileName(),
                spec.env(),
                spec.limits().workspaceBytes(),
                command.rlimits(spec.limits()));
    }

    /** Runs {@code true} through the whole chain once: proves namespaces, binds and cgroups work here. */
    private String canary() {
        Optional<Path> trueBin = host.tools().find("true");
        if (trueBin.isEmpty()) {
            return "no 'true' binary in " + settings.toolsPath();
        }
        SandboxLimits limits = SandboxLimits.defaults().withTimeout(settings.probeTimeout());
        RunSpec spec = new RunSpec("canary", "canary", "", List.of(trueBin.get().toString()), Map.of(), limits);
        RunResult result = executeStarted(new SandboxRun(this, spec, OutputSink.NONE, false), false);
        if (result.outcome() == RunResult.Outcome.COMPLETED && result.exitCode() == 0) {
            return null;
        }
        String detail = result.errorMessage() != null
                ? result.errorMessage()
                : result.stderr().trim();
        return "canary run failed (" + result.outcome() + ", exit " + result.exitCode() + "): " + detail;
    }
}
