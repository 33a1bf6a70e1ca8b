package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.sandbox.cgroup.RunCgroup;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run, prepared but maybe not yet started. {@link #execute()} blocks the calling thread until the run is
 * over; {@link #cancel()} may come from any thread at any time, also before the start.
 */
public final class SandboxRun {

    /** Why the runner, not the program, ended a run. The first reason wins. */
    enum Termination {
        TIMEOUT,
        CANCELLED,
        OUTPUT_LIMIT,
        MEMORY_LIMIT,
        SHUTDOWN
    }

    private final LocalSandboxRunner runner;
    private final RunSpec spec;
    private final OutputSink sink;
    private final boolean poolable;
    private final AtomicReference<Termination> termination = new AtomicReference<>();
    private volatile Process process;
    private volatile RunCgroup cgroup;
    private volatile int monitorDepth;

    SandboxRun(LocalSandboxRunner runner, RunSpec spec, OutputSink sink, boolean poolable) {
        this.runner = runner;
        this.spec = spec;
        this.sink = sink;
        this.poolable = poolable;
    }

    /** Whether the run may take a pre-started sandbox (and so make its shape one the pool keeps ready). */
    boolean poolable() {
        return poolable;
    }

    public RunSpec spec() {
        return spec;
    }

    OutputSink sink() {
        return sink;
    }

    public RunResult execute() {
        return runner.execute(this);
    }

    /** Stops the run (kills every process of it); true when this call decided the outcome. */
    public boolean cancel() {
        return terminate(Termination.CANCELLED);
    }

    /** Stops the run because this executor is going away: reported as FAILED/system_error. */
    public boolean abortForShutdown() {
        return terminate(Termination.SHUTDOWN);
    }

    boolean terminate(Termination reason) {
        if (!termination.compareAndSet(null, reason)) {
            return false;
        }
        kill();
        return true;
    }

    Termination termination() {
        return termination.get();
    }

    /** Whether the sandbox's process has been started (tests wait for it before loading the host further). */
    boolean started() {
        return process != null;
    }

    /** Host pid of the run's first process (bubblewrap's monitor), or -1 before the start. */
    long hostPid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /**
     * Publishes the started process; kills it at once if the run was already terminated meanwhile.
     *
     * @param monitorDepth how far below the started process bubblewrap's monitor is: 0 when the started process
     *                     execs into bwrap, 1 when it forks first ({@code unshare --fork})
     */
    void attach(Process started, RunCgroup group, int monitorDepth) {
        this.cgroup = group;
        this.monitorDepth = monitorDepth;
        this.process = started;
        if (termination.get() != null) {
            kill();
        }
    }

    private void kill() {
        Process p = process;
        if (p != null) {
            killChain(p, monitorDepth);
        }
        RunCgroup g = cgroup;
        if (g != null && p == null) {
            g.killAll();
        }
    }

    /**
     * Kills the run from the inside out: SIGKILL to the sandbox's init (bubblewrap's reaper, pid 1 of the run's
     * pid namespace) makes the kernel kill every process of the namespace, forks in flight included; the monitor
     * above it then reaps it and exits on its own, and so does each link above. While the chain is still setting
     * up (no init yet) the lowest process that exists is killed, but never one above the monitor's level that may
     * still fork (the launch link outside the pid namespace, {@code monitorDepth} 1): killing it would orphan its
     * child to the host's init, which reaps when it pleases (about a second here), so a zombie of the run's uid
     * would outlive the run's result. That link never blocks before its fork, so the caller kills again shortly
     * ({@link SandboxSupervisor}) and finds the child then.
     *
     * @return whether a process was killed
     */
    static boolean killChain(Process p, int monitorDepth) {
        List<ProcessHandle> level = List.of(p.toHandle());
        for (int depth = 0; depth <= monitorDepth + 1; depth++) {
            List<ProcessHandle> below =
                    level.stream().flatMap(ProcessHandle::children).toList();
            if (below.isEmpty() || depth == monitorDepth + 1) {
                if (depth == 0 && monitorDepth > 0 && below.isEmpty()) {
                    return false;
                }
                level.forEach(ProcessHandle::destroyForcibly);
                return true;
            }
            level = below;
        }
        return false;
    }
}
