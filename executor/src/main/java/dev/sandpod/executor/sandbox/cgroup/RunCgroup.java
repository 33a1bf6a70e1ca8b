package dev.sandpod.executor.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroups of one run, one directory per used hierarchy. The sandbox's first process writes itself into
 * every {@link #procsFiles() cgroup.procs} before it execs bubblewrap, so nothing of the run can ever start
 * outside its groups.
 */
public final class RunCgroup {

    private static final Logger log = LoggerFactory.getLogger(RunCgroup.class);
    /** bubblewrap's own two processes (the monitor outside, the reaper as pid 1 inside) count against pids.max. */
    static final int SANDBOX_OVERHEAD_PIDS = 2;

    private static final long CPU_PERIOD_US = 100_000;
    private static final int REMOVE_ATTEMPTS = 200;
    /**
     * CPU weight of a run in its first moments, relative to the default (v1 cpu.shares 1024, v2 cpu.weight 100):
     * a short run (most runs are) starts and ends quickly even next to many CPU-bound ones, which fall back to the
     * default weight once they used {@link #BOOST_CPU_NANOS} of CPU or lived {@link #BOOST_NANOS}, and still get
     * their full quota when the host is idle.
     */
    private static final int BOOST_FACTOR = 16;

    static final long BOOST_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long BOOST_CPU_NANOS = TimeUnit.MILLISECONDS.toNanos(150);

    /** Never changes after construction: a cancel may kill through it while the run thread removes the groups. */
    private final Map<Hierarchy, Path> dirs;

    private final Map<Controller, Hierarchy> assignment;
    private final Hierarchy killer;
    private volatile boolean removed;
    private volatile boolean boosted;
    private volatile long memoryLimit;
    private volatile int pidsLimit;
    private volatile int cpuLimit;
    private volatile long createdNanos = System.nanoTime();

    RunCgroup(Map<Hierarchy, Path> dirs, Map<Controller, Hierarchy> assignment, Hierarchy killer) {
        this.dirs = Collections.unmodifiableMap(new LinkedHashMap<>(dirs));
        this.assignment = assignment;
        this.killer = killer;
    }

    public List<Path> procsFiles() {
        return dirs.values().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    void applyLimits(long memoryBytes, int pids, int cpuMillis) throws IOException {
        this.memoryLimit = memoryBytes;
        this.pidsLimit = pids;
        this.cpuLimit = cpuMillis;
        Path memory = dir(Controller.MEMORY);
        if (memory != null) {
            if (version(Controller.MEMORY) == 2) {
                CgroupFiles.write(memory.resolve("memory.max"), Long.toString(memoryBytes));
                CgroupFiles.tryWrite(memory.resolve("memory.swap.max"), "0");
                // The whole run dies on OOM, like a pod, instead of the kernel picking one victim.
                CgroupFiles.tryWrite(memory.resolve("memory.oom.group"), "1");
            } else {
                CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
                // Without this a host with swap would let the run grow past the limit into swap.
                CgroupFiles.tryWrite(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryBytes));
            }
        }
        Path pidsDir = dir(Controller.PIDS);
        if (pidsDir != null) {
            CgroupFiles.write(pidsDir.resolve("pids.max"), Long.toString((long) pids + SANDBOX_OVERHEAD_PIDS));
        }
        Path cpu = dir(Controller.CPU);
        if (cpu != null) {
            long quota = Math.max(1000, cpuMillis * CPU_PERIOD_US / 1000);
            if (version(Controller.CPU) == 2) {
                CgroupFiles.write(cpu.resolve("cpu.max"), quota + " " + CPU_PERIOD_US);
            } else {
                CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
                CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(quota));
            }
            boosted = CgroupFiles.tryWrite(weightFile(cpu), Integer.toString(defaultWeight() * BOOST_FACTOR));
        }
    }

    /**
     * Sets the limits of the run a pre-started sandbox was claimed for and starts its CPU boost afresh (the boost
     * only ends on a running run's ticks, so a waiting group still has it). Limits equal to the group's are not
     * written again. On v1 the memory+swap limit may never be below the memory limit, so it is also written before
     * the memory limit: one of its two writes fits whether the limit goes up or down. Fails (and the sandbox must
     * not be used) when the kernel refuses a limit, e.g. a memory limit below what the group already uses.
     */
    public void relimit(long memoryBytes, int pids, int cpuMillis) throws IOException {
        createdNanos = System.nanoTime();
        if (memoryBytes == memoryLimit && pids == pidsLimit && cpuMillis == cpuLimit) {
            return;
        }
        Path memory = dir(Controller.MEMORY);
        if (memory != null && version(Controller.MEMORY) == 1) {
            CgroupFiles.tryWrite(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryBytes));
        }
        applyLimits(memoryBytes, pids, cpuMillis);
    }

    /** Drops the start-up CPU boost once the run is old or CPU-hungry enough; cheap to call every tick. */
    public void endBoostIfDue() {
        if (boosted
                && (System.nanoTime() - createdNanos >= BOOST_NANOS
                        || cpuNanos().orElse(0) >= BOOST_CPU_NANOS)) {
            boosted = false;
            Path cpu = dir(Controller.CPU);
            if (cpu != null && !removed) {
                CgroupFiles.tryWrite(weightFile(cpu), Integer.toString(defaultWeight()));
            }
        }
    }

    private Path weightFile(Path cpuDir) {
        return cpuDir.resolve(version(Controller.CPU) == 2 ? "cpu.weight" : "cpu.shares");
    }

    private int defaultWeight() {
        return version(Controller.CPU) == 2 ? 100 : 1024;
    }

    /** CPU time of everything that ran in the group. */
    public OptionalLong cpuNanos() {
        Path dir = dir(Controller.CPUACCT);
        if (dir == null) {
            return OptionalLong.empty();
        }
        if (version(Controller.CPUACCT) == 2) {
            OptionalLong usec = CgroupFiles.readKeyed(dir.resolve("cpu.stat"), "usage_usec");
            return usec.isPresent() ? OptionalLong.of(usec.getAsLong() * 1000) : usec;
        }
        return CgroupFiles.readLong(dir.resolve("cpuacct.usage"));
    }

    /** High-water mark of the group's memory (includes its tmpfs pages). */
    public OptionalLong peakMemoryBytes() {
        Path dir = dir(Controller.MEMORY);
        if (dir == null) {
            return OptionalLong.empty();
        }
        return version(Controller.MEMORY) == 2
                ? CgroupFiles.readLong(dir.resolve("memory.peak"))
                : CgroupFiles.readLong(dir.resolve("memory.max_usage_in_bytes"));
    }

    /** Whether the kernel OOM-killed something in the group because of its memory limit. */
    public boolean memoryLimitHit() {
        Path dir = dir(Controller.MEMORY);
        if (dir == null) {
            return false;
        }
        if (version(Controller.MEMORY) == 2) {
            return CgroupFiles.readKeyed(dir.resolve("memory.events"), "oom_kill")
                            .orElse(0)
                    > 0;
        }
        OptionalLong kills = CgroupFiles.readKeyed(dir.resolve("memory.oom_control"), "oom_kill");
        if (kills.isPresent()) {
            return kills.getAsLong() > 0;
        }
        return CgroupFiles.readKeyed(dir.resolve("memory.oom_control"), "under_oom")
                        .orElse(0)
                > 0;
    }

    /**
     * How hard the run presses on its memory limit: the memory reclaim cannot free without swap (anonymous and
     * tmpfs pages) and how often the usage ran into the limit so far; null without a memory group.
     */
    public MemoryPressure memoryPressure() {
        Path dir = dir(Controller.MEMORY);
        if (dir == null) {
            return null;
        }
        boolean v2 = version(Controller.MEMORY) == 2;
        Path stat = dir.resolve("memory.stat");
        long unreclaimable = CgroupFiles.readKeyed(stat, v2 ? "anon" : "rss").orElse(0)
                + CgroupFiles.readKeyed(stat, "shmem").orElse(0);
        long hits = v2
                ? CgroupFiles.readKeyed(dir.resolve("memory.events"), "max").orElse(0)
                : CgroupFiles.readLong(dir.resolve("memory.failcnt")).orElse(0);
        return new MemoryPressure(unreclaimable, hits, memoryLimit);
    }

    /**
     * @param unreclaimableBytes anonymous + tmpfs memory of the run
     * @param limitHits          times the usage hit the limit since the group was made
     * @param limitBytes         the limit
     */
    public record MemoryPressure(long unreclaimableBytes, long limitHits, long limitBytes) {}

    public boolean isEmpty() {
        return dirs.values().stream().allMatch(d -> CgroupFiles.pids(d).isEmpty());
    }

    /** SIGKILL to every process of the run, wherever it hides in the tree; a no-op once the groups are gone. */
    public void killAll() {
        if (removed) {
            return;
        }
        if (killer != null && dirs.containsKey(killer)) {
            CgroupFiles.tryWrite(dirs.get(killer).resolve("cgroup.kill"), "1");
        }
        for (Path dir : dirs.values()) {
            killListed(dir);
        }
    }

    /**
     * Kills whatever is still in the groups and waits until they are empty, for at most {@code wait}; true when
     * they are. Costs one read per hierarchy when they already are (the usual case once the chain has exited).
     */
    public boolean killAndAwaitEmpty(java.time.Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        while (!removed && !isEmpty()) {
            if (System.nanoTime() - end >= 0) {
                log.warn("processes still in the run's cgroups {} after {}", dirs.values(), wait);
                return false;
            }
            killAll();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return true;
    }

    /** Kills what is left and removes the directories; safe to call more than once. */
    public synchronized void remove() {
        if (removed) {
            return;
        }
        List<Path> left = new ArrayList<>(dirs.values());
        for (int i = 0; i < REMOVE_ATTEMPTS && !left.isEmpty(); i++) {
            killAll();
            left.removeIf(dir -> !Files.isDirectory(dir) || tryRemove(dir));
            if (left.isEmpty()) {
                break;
            }
            // A killed process leaves its group only once its parent reaped it: give the kernel a moment.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (left.isEmpty()) {
            removed = true;
        } else {
            log.warn("cgroups not removed, processes still inside: {}", left);
        }
    }

    /** Removes a run group found on disk, e.g. of a crashed executor. */
    static void reap(Path dir) {
        for (int i = 0; i < REMOVE_ATTEMPTS && Files.isDirectory(dir); i++) {
            CgroupFiles.tryWrite(dir.resolve("cgroup.kill"), "1");
            killListed(dir);
            if (tryRemove(dir)) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static void killListed(Path dir) {
        for (long pid : CgroupFiles.pids(dir)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean tryRemove(Path dir) {
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path dir(Controller controller) {
        Hierarchy h = assignment.get(controller);
        return h == null ? null : dirs.get(h);
    }

    private int version(Controller controller) {
        return assignment.get(controller).version();
    }
}
