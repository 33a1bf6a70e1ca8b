package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.sandbox.SandboxRun.Termination;
import dev.sandpod.executor.sandbox.cgroup.RunCgroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic side of a running sandbox: every tick it sends what the streams captured since the last tick
 * as frames, and watches the memory group so that an OOM kill ends the whole run (cgroup v1 has no
 * {@code oom.group}). Without cgroup accounting it also samples usage from procfs — a best effort that can
 * miss processes living shorter than a tick.
 */
final class LiveOutput {

    private static final Logger log = LoggerFactory.getLogger(LiveOutput.class);

    private final SandboxRun run;
    private final List<OutputCapture> captures;
    private final RunCgroup group;
    private final ProcessHandle root;
    private final boolean sampleMemory;
    private final boolean sampleCpu;
    private final int thrashTicks;
    private boolean finished;
    private long peakKb;
    private long cpuNanos;
    private long hitsAtStreakStart;
    private int ticksAtLimit;

    /**
     * @param thrashTicks after how many consecutive ticks spent at the memory limit, with (almost) all of it
     *                    memory reclaim cannot free, the run counts as out of memory
     */
    LiveOutput(SandboxRun run, List<OutputCapture> captures, RunCgroup group, ProcessHandle root, int thrashTicks) {
        this.run = run;
        this.thrashTicks = thrashTicks;
        this.captures = captures;
        this.group = group;
        this.root = root;
        this.sampleMemory = group == null || group.peakMemoryBytes().isEmpty();
        this.sampleCpu = group == null || group.cpuNanos().isEmpty();
    }

    synchronized void tick() {
        if (finished) {
            return;
        }
        try {
            emit(false);
            if (group != null) {
                group.endBoostIfDue();
            }
            if (group != null && (group.memoryLimitHit() || thrashingAtTheMemoryLimit())) {
                run.terminate(Termination.MEMORY_LIMIT);
            }
            if (sampleMemory || sampleCpu) {
                sample();
            }
        } catch (RuntimeException e) {
            // A failing sink must not kill the ticker thread that serves every other run.
            log.warn("live output of {} failed: {}", run.spec().name(), e.toString());
        }
    }

    /** Sends the rest; after this no frame of the run is ever sent again. */
    synchronized void finish() {
        if (!finished) {
            finished = true;
            emit(true);
        }
    }

    synchronized long sampledPeakKb() {
        return peakKb;
    }

    synchronized long sampledCpuNanos() {
        return cpuNanos;
    }

    /**
     * A run whose anonymous memory fills its limit may never be OOM-killed: the kernel keeps "making progress" by
     * evicting the interpreter's own code pages, which it faults right back in, so the run crawls until the wall
     * limit and would be reported as a timeout. Memory that stays ≥ 90 % full of what nothing can reclaim for
     * long enough, while the usage keeps hitting the limit, is the same memory limit without the kernel's verdict.
     */
    private boolean thrashingAtTheMemoryLimit() {
        RunCgroup.MemoryPressure p = group.memoryPressure();
        if (p == null || p.limitBytes() <= 0) {
            return false;
        }
        // A starved run may not touch the limit on every tick, so the streak lasts as long as the memory stays
        // full, and only has to have hit the limit again since it began.
        if (p.unreclaimableBytes() < p.limitBytes() / 10 * 9) {
            ticksAtLimit = 0;
            return false;
        }
        if (ticksAtLimit++ == 0) {
            hitsAtStreakStart = p.limitHits();
        }
        return ticksAtLimit >= thrashTicks && p.limitHits() > hitsAtStreakStart;
    }

    private void emit(boolean last) {
        for (OutputCapture capture : captures) {
            for (String frame : capture.drain(last)) {
                run.sink().output(capture.kind(), frame);
            }
        }
    }

    private void sample() {
        List<ProcessHandle> tree =
                Stream.concat(Stream.of(root), root.descendants()).toList();
        long rssKb = tree.stream().mapToLong(p -> rssKb(p.pid())).sum();
        long cpu = tree.stream()
                .mapToLong(
                        p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
        peakKb = Math.max(peakKb, rssKb);
        cpuNanos = Math.max(cpuNanos, cpu);
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
