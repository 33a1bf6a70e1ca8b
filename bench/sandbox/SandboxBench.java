import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.sandpod.executor.ExecutorDefaultsEnvironmentPostProcessor;
import dev.sandpod.executor.ExecutorProperties;
import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.ResolvedRuntime;
import dev.sandpod.executor.runtime.RuntimeProperties;
import dev.sandpod.executor.sandbox.LocalSandboxRunner;
import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.PoolStatistics;
import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.RunSpec;
import dev.sandpod.executor.sandbox.SandboxLimits;

/**
 * The local runner's own overhead (issue 4): median wall time of {@code python3 -c pass} bare vs. inside the
 * sandbox, and sustained {@code print(1)} runs per second. Prints numbers, asserts nothing. Run it with
 * {@code bench/sandbox/run.sh} (see README.md beside this file). A sandboxed run is timed as its caller sees it,
 * from {@code prepare} to the result; with the pool on (the default) that includes claiming a pre-started
 * sandbox, or starting one cold when none is ready, and the pool's refills run on the same cores meanwhile.
 */
public final class SandboxBench {

    private static final String PYTHON = "/usr/bin/python3";

    public static void main(String[] args) throws Exception {
        int runs = intArg(args, "--runs", 100);
        int seconds = intArg(args, "--seconds", 10);
        int poolSize = intArg(args, "--pool", -1);
        String cgroupParent = System.getProperty("sandpod.bench.cgroup-parent");
        Map<String, String> overrides = new HashMap<>();
        if (cgroupParent != null) {
            overrides.put("sandpod.executor.sandbox.cgroup-parent", cgroupParent);
        }
        String launcher = System.getProperty("sandpod.bench.launcher");
        if (launcher != null) {
            overrides.put("sandpod.executor.sandbox.launcher", launcher);
        }
        if (poolSize >= 0) {
            overrides.put("sandpod.executor.sandbox.pool.size", Integer.toString(poolSize));
        }
        ExecutorProperties executor = new Binder(new MapConfigurationPropertySource(overrides))
                .bindOrCreate("sandpod.executor", ExecutorProperties.class);
        StandardEnvironment environment = new StandardEnvironment();
        new ExecutorDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        RuntimeProperties runtimes = Binder.get(environment).bind("sandpod.runtimes", RuntimeProperties.class).get();

        try (LocalSandboxRunner runner = new LocalSandboxRunner(executor.sandbox(), 8192, Duration.ofMillis(50))) {
            System.out.println(runner.capabilities().summary());
            System.out.printf(Locale.ROOT, "pool: %d pre-started sandboxes per run shape; process launch: %s%n",
                    executor.sandbox().pool().size(),
                    System.getProperty("jdk.lang.Process.launchMechanism", "default (POSIX_SPAWN via jspawnhelper)"));
            LocalRuntimeCatalog catalog = new LocalRuntimeCatalog(runtimes, runner, Duration.ofSeconds(10));
            ResolvedRuntime python = catalog.resolve("python", "3.11").orElseThrow();
            SandboxLimits limits = SandboxLimits.defaults();
            RunSpec pass = new RunSpec("bench-pass", "main.py", "", List.of(PYTHON, "-c", "pass"), python.env(), limits);
            RunSpec print1 = RunSpec.of("bench-print", python, "print(1)", limits);

            System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
            // Warm-up of both paths (page cache, JIT of the runner).
            for (int i = 0; i < 10; i++) {
                bare();
                check(runner.prepare(pass, OutputSink.NONE).execute());
            }
            // Interleaved so that host noise hits both series alike.
            PoolStatistics before = runner.poolStatistics();
            List<Double> bare = new ArrayList<>();
            List<Double> sandboxed = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                // The runner's background work after a run (refilling its pool, freeing the run's cgroups) must not
                // slow the bare run down and so flatter the difference.
                awaitPoolRefilled(runner, executor.sandbox().pool().size());
                bare.add(bare());
                long t = System.nanoTime();
                check(runner.prepare(pass, OutputSink.NONE).execute());
                sandboxed.add((System.nanoTime() - t) / 1e6);
            }
            double bareMedian = percentile(bare, 50);
            double sandboxMedian = percentile(sandboxed, 50);
            System.out.printf(Locale.ROOT, "python3 -c pass over %d runs: bare median %.2f ms (p10 %.2f, p90 %.2f); "
                            + "sandboxed median %.2f ms (p10 %.2f, p90 %.2f); overhead %.2f ms (median difference)%n",
                    runs, bareMedian, percentile(bare, 10), percentile(bare, 90), sandboxMedian,
                    percentile(sandboxed, 10), percentile(sandboxed, 90), sandboxMedian - bareMedian);
            // Noise from other load only ever adds time: the low percentiles show the cost on a quiet host.
            System.out.printf(Locale.ROOT, "min: bare %.2f ms, sandboxed %.2f ms; overhead at p10 %.2f ms%n",
                    percentile(bare, 0), percentile(sandboxed, 0), percentile(sandboxed, 10) - percentile(bare, 10));
            printPool("python3 -c pass", before, runner.poolStatistics());

            int cores = Runtime.getRuntime().availableProcessors();
            double best = 0;
            for (int threads : new int[] {1, cores, cores * 2, cores * 4}) {
                PoolStatistics start = runner.poolStatistics();
                double rate = throughput(runner, print1, threads, seconds);
                best = Math.max(best, rate);
                System.out.printf(Locale.ROOT, "print(1) sustained over %d s with %d concurrent runs on %d cores: "
                        + "%.1f runs/s%n", seconds, threads, cores, rate);
                printPool("  print(1)", start, runner.poolStatistics());
            }
            System.out.printf(Locale.ROOT, "best sustained print(1) rate: %.1f runs/s%n", best);
            // The same load without any sandbox: what the cores allow the interpreter alone right now.
            double bareBest = 0;
            for (int threads : new int[] {1, cores, cores * 2, cores * 4}) {
                double rate = bareThroughput(threads, seconds);
                bareBest = Math.max(bareBest, rate);
                System.out.printf(Locale.ROOT, "bare python3 -c 'print(1)' sustained with %d concurrent: %.1f runs/s%n",
                        threads, rate);
            }
            System.out.printf(Locale.ROOT, "best sustained bare rate: %.1f runs/s%n", bareBest);
            System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
        }
    }

    private static double throughput(LocalSandboxRunner runner, RunSpec spec, int threads, int seconds)
            throws InterruptedException {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        AtomicLong lastEnd = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        CountDownLatch finished = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        RunResult r = runner.prepare(spec, OutputSink.NONE).execute();
                        if (r.outcome() == RunResult.Outcome.COMPLETED && "1\n".equals(r.stdout())) {
                            done.incrementAndGet();
                        } else {
                            bad.incrementAndGet();
                        }
                        lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                } finally {
                    finished.countDown();
                }
            });
            t.start();
        }
        finished.await();
        if (bad.get() > 0) {
            System.out.println("  (" + bad.get() + " runs did not complete with '1')");
        }
        return done.get() / ((lastEnd.get() - start) / 1e9);
    }

    private static double bareThroughput(int threads, int seconds) throws InterruptedException {
        AtomicInteger done = new AtomicInteger();
        AtomicLong lastEnd = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        CountDownLatch finished = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        Process p = new ProcessBuilder(PYTHON, "-c", "print(1)").redirectInput(new File("/dev/null"))
                                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                        byte[] out = p.getInputStream().readAllBytes();
                        if (p.waitFor() == 0 && out.length == 2) {
                            done.incrementAndGet();
                        }
                        lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    finished.countDown();
                }
            });
            t.start();
        }
        finished.await();
        return done.get() / ((lastEnd.get() - start) / 1e9);
    }

    private static void awaitPoolRefilled(LocalSandboxRunner runner, int size) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (runner.poolStatistics().ready() < size && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        // The freeing of the last run's groups is queued before the refill ends and takes far less time.
        Thread.sleep(5);
    }

    private static void printPool(String label, PoolStatistics from, PoolStatistics to) {
        long claims = to.claims() - from.claims();
        if (claims > 0) {
            System.out.printf(Locale.ROOT, "%s: %d of %d runs took a pre-started sandbox%n", label,
                    to.hits() - from.hits(), claims);
        }
    }

    private static double bare() throws Exception {
        long t = System.nanoTime();
        Process p = new ProcessBuilder(PYTHON, "-c", "pass").redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("bare python failed");
        }
        return (System.nanoTime() - t) / 1e6;
    }

    private static void check(RunResult r) {
        if (r.outcome() != RunResult.Outcome.COMPLETED || r.exitCode() != 0) {
            throw new IllegalStateException("sandboxed run failed: " + r);
        }
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.round(p / 100.0 * (sorted.size() - 1))));
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
