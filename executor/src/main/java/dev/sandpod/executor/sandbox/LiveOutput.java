package dev.sandpod.executor.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sandpod.executor.sandbox.SandboxRun.Termination;
import dev.sandpod.executor.sandbox.cgroup.RunCgroup;

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
    private boolean finished;
    private long peakKb;
    private long cpuNanos;

    LiveOutput(SandboxRun run, List<OutputCapture> captures, RunCgroup group, ProcessHandle root) {
        this.run = run;
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
            if (group != null && group.memoryLimitHit()) {
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

    private void emit(boolean last) {
        for (OutputCapture capture : captures) {
            for (String frame : capture.drain(last)) {
                run.sink().output(capture.kind(), frame);
            }
        }
    }

    private void sample() {
        List<ProcessHandle> tree = Stream.concat(Stream.of(root), root.descendants()).toList();
        long rssKb = tree.stream().mapToLong(p -> rssKb(p.pid())).sum();
        long cpu = tree.stream()
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
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
