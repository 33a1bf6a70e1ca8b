package dev.sandpod.executor.sandbox;

import java.util.concurrent.atomic.AtomicReference;

import dev.sandpod.executor.sandbox.cgroup.RunCgroup;

/**
 * One run, prepared but maybe not yet started. {@link #execute()} blocks the calling thread until the run is
 * over; {@link #cancel()} may come from any thread at any time, also before the start.
 */
public final class SandboxRun {

    /** Why the runner, not the program, ended a run. The first reason wins. */
    enum Termination { TIMEOUT, CANCELLED, OUTPUT_LIMIT, MEMORY_LIMIT, SHUTDOWN }

    private final LocalSandboxRunner runner;
    private final RunSpec spec;
    private final OutputSink sink;
    private final AtomicReference<Termination> termination = new AtomicReference<>();
    private volatile Process process;
    private volatile RunCgroup cgroup;

    SandboxRun(LocalSandboxRunner runner, RunSpec spec, OutputSink sink) {
        this.runner = runner;
        this.spec = spec;
        this.sink = sink;
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

    /** Publishes the started process; kills it at once if the run was already terminated meanwhile. */
    void attach(Process started, RunCgroup group) {
        this.cgroup = group;
        this.process = started;
        if (termination.get() != null) {
            kill();
        }
    }

    private void kill() {
        Process p = process;
        if (p != null) {
            // SIGKILL to bwrap's monitor: --die-with-parent kills the sandbox's pid 1, which takes the whole
            // pid namespace with it; the cgroup kill also catches anything between fork and namespace entry.
            p.destroyForcibly();
        }
        RunCgroup g = cgroup;
        if (g != null) {
            g.killAll();
        }
    }
}
