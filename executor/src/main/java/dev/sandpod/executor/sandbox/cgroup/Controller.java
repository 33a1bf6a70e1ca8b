package dev.sandpod.executor.sandbox.cgroup;

/** The per-run controls the runner wants from cgroups. */
public enum Controller {
    MEMORY("memory"),
    PIDS("pids"),
    CPU("cpu"),
    CPUACCT("cpuacct");

    private final String v1Name;

    Controller(String v1Name) {
        this.v1Name = v1Name;
    }

    String v1Name() {
        return v1Name;
    }
}
