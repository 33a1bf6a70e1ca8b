package dev.sandpod.executor.sandbox;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the local sandbox enforces on this host, detected at startup; a health endpoint or an admin page can
 * show it as is. A limit whose enforcement is {@link Enforcement#NONE} is only bounded by the wall timeout.
 *
 * @param available      whether runs can start at all (bubblewrap present and a canary run succeeded)
 * @param problem        why not, when {@code available} is false
 * @param bubblewrap     version of bwrap, e.g. {@code bubblewrap 0.8.0}
 * @param runAs          who the sandboxed processes are on the host
 * @param memory         how the memory limit is enforced (cgroup: by usage, OOM ends the run; rlimit: data segment)
 * @param pids           how the pids limit is enforced (cgroup pids.max, or RLIMIT_NPROC of the run's own uid)
 * @param cpu            how the CPU limit is enforced (cgroup CPU bandwidth), NONE: only the wall timeout
 * @param fileSize       how the largest file a run may write is enforced (RLIMIT_FSIZE)
 * @param workspace      the run's writable space: where it lives and whether its size and inodes are bounded
 * @param accounting     where CPU time and peak memory are read from
 * @param kill           how every process of a run is killed at its end
 * @param clkTckHertz    the real tick rate of {@code cpu_time_jiffies}
 */
public record SandboxCapabilities(
        boolean available,
        String problem,
        String bubblewrap,
        String runAs,
        Enforcement memory,
        Enforcement pids,
        Enforcement cpu,
        Enforcement fileSize,
        String accounting,
        String kill,
        String isolation,
        String workspace,
        String seccomp,
        int clkTckHertz) {

    /** How one limit is enforced, strongest first. */
    public enum Enforcement {
        CGROUP_V2,
        CGROUP_V1,
        RLIMIT,
        NONE;

        /** {@code cgroup v2}, {@code cgroup v1}, {@code rlimit} or {@code none}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** One line for the startup log. */
    public String summary() {
        if (!available) {
            return "local sandbox UNAVAILABLE: " + problem;
        }
        return "local sandbox: " + bubblewrap + "; limits enforced by: memory=" + memory.label()
                + ", pids=" + pids.label() + ", cpu=" + cpu.label()
                + (cpu == Enforcement.NONE ? " (wall timeout only)" : "")
                + ", file size=" + fileSize.label()
                + ", open files=rlimit, core dumps=rlimit (0), wall time=runner timer"
                + "; workspace=" + workspace + "; accounting=" + accounting + "; kill=" + kill + "; run as " + runAs
                + "; " + isolation + "; seccomp=" + seccomp;
    }

    /** Flat details for health/admin JSON. */
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("available", available);
        if (problem != null) {
            d.put("problem", problem);
        }
        d.put("bubblewrap", bubblewrap);
        d.put("memory", memory.label());
        d.put("pids", pids.label());
        d.put("cpu", cpu.label());
        d.put("fileSize", fileSize.label());
        d.put("accounting", accounting);
        d.put("kill", kill);
        d.put("runAs", runAs);
        d.put("isolation", isolation);
        d.put("workspace", workspace);
        d.put("seccomp", seccomp);
        d.put("clkTckHertz", clkTckHertz);
        return d;
    }
}
