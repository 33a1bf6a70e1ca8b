package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.ResolvedRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the two hostile suites ({@link HostileInputsTest}, {@link HostileSecondSetTest}) share: a runner on the
 * suite's own uid range, hostile runs started side by side with their frames recorded, the {@code print("ok")} run
 * that must stay fast beside them, the check that nothing of a run is left on the host, and the rows of the
 * suite's report.
 */
final class HostileRuns implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HostileRuns.class);

    /** What the runner keeps in its instance directory for all runs; anything else there is a run's leftover. */
    private static final Set<String> STATIC_FILES = Set.of("passwd", "group", "seccomp.bpf", "mnt");

    private static final SandboxLimits LIMITS = SandboxLimits.defaults();

    private final LocalSandboxRunner runner;
    private final LocalRuntimeCatalog catalog;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final boolean logEnds;
    /** Row → what was observed, written out as the suite's report at its end. */
    final Map<String, String> report = new ConcurrentHashMap<>();

    private HostileRuns(LocalSandboxRunner runner, boolean logEnds) {
        this.runner = runner;
        this.catalog = TestRunners.catalog(runner);
        this.logEnds = logEnds;
    }

    /**
     * @param uidBase the suite's own uid range: processes of other runners on a shared machine are never its own
     * @param logEnds whether each run's end is logged with its output as it comes
     */
    static HostileRuns onUids(String uidBase, boolean logEnds) {
        return new HostileRuns(TestRunners.runner(Map.of("sandpod.executor.sandbox.uid-base", uidBase)), logEnds);
    }

    LocalSandboxRunner runner() {
        return runner;
    }

    ResolvedRuntime runtime(String lang) {
        String version = switch (lang) {
            case "python" -> "3.11";
            case "node" -> "20";
            case "ruby" -> "3.1";
            case "bash" -> "5.2";
            case "go" -> "1.19";
            default -> throw new IllegalArgumentException(lang);
        };
        return TestRunners.runtime(catalog, lang, version);
    }

    /** One run of the sandbox, recorded frame by frame, started now on its own thread. */
    record Hostile(
            String row,
            String lang,
            SandboxRun run,
            CompletableFuture<RunResult> future,
            List<Frame> frameList,
            long startedNanos,
            AtomicLong endedNanos) {

        RunResult result() {
            return future.join();
        }

        List<String> frames() {
            synchronized (frameList) {
                return frameList.stream().map(Frame::text).toList();
            }
        }

        List<String> frames(StreamKind kind) {
            synchronized (frameList) {
                return frameList.stream()
                        .filter(f -> f.kind() == kind)
                        .map(Frame::text)
                        .toList();
            }
        }

        /** Both streams' frames, in the order they came. */
        String text() {
            return String.join("", frames());
        }

        String text(StreamKind kind) {
            return String.join("", frames(kind));
        }

        long frameBytes() {
            return frames(StreamKind.STDOUT).stream()
                    .mapToLong(f -> f.getBytes(StandardCharsets.UTF_8).length)
                    .sum();
        }

        int largestFrame() {
            return frames().stream()
                    .mapToInt(f -> f.getBytes(StandardCharsets.UTF_8).length)
                    .max()
                    .orElse(0);
        }

        double seconds() {
            result();
            return (endedNanos.get() - startedNanos) / 1e9;
        }

        String describe() {
            RunResult r = future.getNow(null);
            return row + " " + lang
                    + (r == null
                            ? " (running)"
                            : " " + r.outcome() + "/" + r.errorType()
                                    + " exit " + r.exitCode() + " peak " + r.peakMemoryKb() + " KB: "
                                    + abbreviate(r.errorMessage()) + " " + abbreviate(r.stdout()) + " "
                                    + abbreviate(r.stderr()));
        }
    }

    record Frame(StreamKind kind, String text) {}

    Hostile start(String row, String lang, String script, SandboxLimits limits) {
        List<Frame> frames = Collections.synchronizedList(new ArrayList<>());
        SandboxRun run = runner.prepare(
                RunSpec.of(row, runtime(lang), script, limits), (kind, text) -> frames.add(new Frame(kind, text)));
        long started = System.nanoTime();
        AtomicLong ended = new AtomicLong();
        CompletableFuture<RunResult> future = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return run.execute();
                    } finally {
                        ended.set(System.nanoTime());
                    }
                },
                pool);
        if (logEnds) {
            future.thenAccept(r -> log.info(
                    "{} {} ended {}/{} exit {}:\n{}\n{}",
                    row,
                    lang,
                    r.outcome(),
                    r.errorType(),
                    r.exitCode(),
                    abbreviate(r.stdout()),
                    abbreviate(r.stderr())));
        }
        return new Hostile(row, lang, run, future, frames, started, ended);
    }

    /**
     * Once the hostile runs are going (or already over), a {@code print("ok")} run must still complete normally
     * within {@code budgetMillis}. The hostile runs have ended when this returns, whatever failed.
     */
    void assertConcurrentOkRun(long budgetMillis, Hostile... hostile) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Stream.of(hostile)
                        .allMatch(h -> h.run().started() || h.future().isDone()));
        long started = System.nanoTime();
        try {
            RunResult ok = runner.prepare(RunSpec.of("ok", runtime("python"), "print(\"ok\")", LIMITS), OutputSink.NONE)
                    .execute();
            long millis = (System.nanoTime() - started) / 1_000_000;
            report.merge("ok-runs", hostile[0].row() + "=" + millis + "ms", (a, b) -> a + ", " + b);
            assertThat(ok.outcome()).as("concurrent run: " + ok).isEqualTo(RunResult.Outcome.COMPLETED);
            assertThat(ok.exitCode()).isZero();
            assertThat(ok.stdout()).isEqualTo("ok\n");
            assertThat(millis).as("concurrent print(\"ok\") took %d ms", millis).isLessThan(budgetMillis);
        } finally {
            // Whatever failed above, the hostile runs end before the leftover check.
            for (Hostile h : hostile) {
                h.future().exceptionally(e -> null).join();
            }
        }
    }

    /** How long a {@code print("ok")} takes on its own. */
    long okRunMillis() {
        long started = System.nanoTime();
        RunResult ok = runner.prepare(RunSpec.of("ok", runtime("python"), "print(\"ok\")", LIMITS), OutputSink.NONE)
                .execute();
        assertThat(ok.stdout()).isEqualTo("ok\n");
        return (System.nanoTime() - started) / 1_000_000;
    }

    /**
     * No process of the runner's uids, nor one of its launch chain (root until it drops to the run's uid,
     * recognisable by the run's paths in its arguments); no run cgroup, no per-run file, no mount of the work dir.
     */
    void assertNothingLeft() throws IOException {
        // Pre-started sandboxes are the runner's, not a run's: drained first, they must leave nothing either.
        runner.drainPool();
        assertThat(processesOfSandboxUids()).as("processes of sandbox uids").isEmpty();
        String instance = runner.instanceDir().toString();
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info()
                                .arguments()
                                .map(args -> Stream.of(args).anyMatch(a -> a.contains(instance)))
                                .orElse(false))
                        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                        .toList())
                .as("processes of the runs' launch chains")
                .isEmpty();
        for (Path dir : runner.cgroupDirs()) {
            try (Stream<Path> children = Files.list(dir)) {
                assertThat(children.filter(Files::isDirectory).toList())
                        .as("run cgroups in " + dir)
                        .isEmpty();
            }
        }
        assertThat(listNames(runner.instanceDir())).as("files of runs").isSubsetOf(STATIC_FILES);
        assertThat(listNames(runner.instanceDir().resolve(WorkDir.MOUNT_POINT)))
                .as("on the host, the runs' mount point stays an empty directory")
                .isEmpty();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
                .as("host mounts")
                .doesNotContain(runner.instanceDir().toString())
                .doesNotContain("sandpod-run");
    }

    /** The host's processes under one of the runner's sandbox uids, with their command lines. */
    List<String> processesOfSandboxUids() {
        List<String> found = new ArrayList<>();
        for (TestRunners.HostProcess p : TestRunners.processesOfUids(runner)) {
            try {
                found.add(p + " "
                        + Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
                                .replace('\0', ' '));
            } catch (IOException e) {
                // Gone meanwhile.
            }
        }
        return found;
    }

    static Set<String> listNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        runner.close();
    }
}
