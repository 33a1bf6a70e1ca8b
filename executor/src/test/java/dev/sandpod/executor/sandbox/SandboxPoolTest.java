package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.executor.TestSettings;
import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.ResolvedRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local runner's pool of pre-started sandboxes, against real bubblewrap and cgroups: each sandbox serves one
 * run, the run's own limits apply, a pooled run sees exactly what a cold one sees, and nothing is left behind.
 */
class SandboxPoolTest {

    private static final SandboxLimits LIMITS = SandboxLimits.defaults();
    private static final Duration READY = Duration.ofSeconds(20);
    private static final int POOL_SIZE = 2;
    /** Apart from the other suites' runners on a shared machine. */
    private static final String UID_BASE = "1960000000";

    private static final String FRESHNESS_CHECK = """
            import os
            mark = '/workspace/.tmp/used'
            print('reused' if os.path.exists(mark) else 'fresh')
            open(mark, 'w').write('x')
            """;
    /**
     * What a program can learn about its sandbox; the one part that differs between any two runs, the host uid
     * owning its tmpfs mounts, is masked.
     */
    private static final String SANDBOX_FACTS = """
            import os, re, resource, socket, sys
            print('ids', os.getuid(), os.getgid(), os.getgroups(), os.getpid(), os.getppid())
            print('cwd', os.getcwd(), sorted(os.listdir('.')), sorted(os.listdir('/tmp')))
            print('env', sorted(os.environ.items()))
            print('stdin', repr(sys.stdin.read()))
            print('fds', sorted(os.listdir('/proc/self/fd')))
            print('host', socket.gethostname(), [n for _, n in socket.if_nameindex()])
            for line in open('/proc/self/status'):
                if line.split(':')[0] in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs',
                                          'Seccomp', 'Seccomp_filters'):
                    print(line.strip())
            for name in ('RLIMIT_CORE', 'RLIMIT_FSIZE', 'RLIMIT_NOFILE', 'RLIMIT_NPROC', 'RLIMIT_DATA', 'RLIMIT_AS'):
                print(name, resource.getrlimit(getattr(resource, name)))
            for line in open('/proc/self/mountinfo'):
                f = line.split()
                options = re.sub(r'([ug]id)=\\d+', r'\\1=N', f[f.index('-') + 3])
                print('mount', f[4], f[5], f[f.index('-') + 1], options)
            st = os.statvfs('/workspace')
            print('workspace', st.f_blocks * st.f_frsize, st.f_files)
            print(open('/proc/self/cgroup').read().strip())
            print('stderr too', file=sys.stderr)
            """;

    private static LocalSandboxRunner runner;
    private static LocalRuntimeCatalog catalog;

    @BeforeAll
    static void startRunner() {
        runner = newRunner(Map.of());
        catalog = TestRunners.catalog(runner);
    }

    @AfterAll
    static void stopRunner() {
        runner.close();
    }

    @AfterEach
    void emptyPool() {
        runner.drainPool();
    }

    @Test
    void everyClaimGetsASandboxNoRunHasUsedBefore() {
        RunSpec spec = RunSpec.of("fresh", python(), FRESHNESS_CHECK, LIMITS);
        assertThat(runner.prepare(spec, OutputSink.NONE).execute().stdout()).isEqualTo("fresh\n");
        Set<Long> sandboxPids = new HashSet<>();
        long hitsBefore = runner.poolStatistics().hits();

        for (int i = 0; i < 6; i++) {
            awaitReady(spec, 1);
            SandboxRun run = runner.prepare(spec, OutputSink.NONE);
            RunResult r = run.execute();
            assertThat(r.outcome()).as(r.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
            assertThat(r.stdout()).isEqualTo("fresh\n");
            sandboxPids.add(run.hostPid());
        }

        assertThat(sandboxPids).hasSize(6);
        assertThat(runner.poolStatistics().hits() - hitsBefore).isEqualTo(6);
    }

    @Test
    void aPooledRunGetsTheLowerMemoryLimitOfItsOwnSpec() {
        warmUp(LIMITS);
        long hitsBefore = runner.poolStatistics().hits();

        RunResult r = runner.prepare(
                        RunSpec.of(
                                "small",
                                python(),
                                "x = bytearray(200 * 1024 * 1024)\nprint('no')",
                                LIMITS.withMemoryBytes(48L << 20)),
                        OutputSink.NONE)
                .execute();

        assertThat(runner.poolStatistics().hits() - hitsBefore).isEqualTo(1);
        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("resource_limit");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void aPooledRunGetsTheHigherMemoryLimitOfItsOwnSpec() {
        SandboxLimits small = LIMITS.withMemoryBytes(48L << 20);
        warmUp(small);
        long hitsBefore = runner.poolStatistics().hits();

        RunResult r = runner.prepare(
                        RunSpec.of(
                                "large",
                                python(),
                                "x = bytearray(96 * 1024 * 1024)\nx[::4096] = b'y' * len(x[::4096])\nprint('fits')",
                                LIMITS.withMemoryBytes(256L << 20)),
                        OutputSink.NONE)
                .execute();

        assertThat(runner.poolStatistics().hits() - hitsBefore).isEqualTo(1);
        assertThat(r.outcome()).as(r.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.stdout()).isEqualTo("fits\n");
    }

    @Test
    void aPooledRunGetsThePidsLimitOfItsOwnSpec() {
        warmUp(LIMITS);
        long hitsBefore = runner.poolStatistics().hits();

        RunResult r = runner.prepare(
                        RunSpec.of("pids", python(), """
                import os, time
                n = 0
                try:
                    while n < 100:
                        if os.fork() == 0:
                            time.sleep(30)
                            os._exit(0)
                        n += 1
                except OSError as e:
                    print('stopped', e.errno, n)
                """, LIMITS.withPids(8).withTimeout(Duration.ofSeconds(5))),
                        OutputSink.NONE)
                .execute();

        assertThat(runner.poolStatistics().hits() - hitsBefore).isEqualTo(1);
        assertThat(r.stdout()).startsWith("stopped 11 ");
        assertThat(Integer.parseInt(r.stdout().trim().split(" ")[2])).isLessThan(8);
    }

    @Test
    void aPooledRunTimesOutAtItsOwnTimeoutCountedFromTheClaim() {
        warmUp(LIMITS);
        long hitsBefore = runner.poolStatistics().hits();

        RunResult r = runner.prepare(
                        RunSpec.of(
                                "timeout",
                                python(),
                                "print('going', flush=True)\nwhile True: pass",
                                LIMITS.withTimeout(Duration.ofSeconds(1))),
                        OutputSink.NONE)
                .execute();

        assertThat(runner.poolStatistics().hits() - hitsBefore).isEqualTo(1);
        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.TIMEOUT);
        assertThat(r.errorType()).isEqualTo("timeout");
        assertThat(r.errorMessage()).isEqualTo("Execution timed out after 1 s");
        assertThat(r.stdout()).isEqualTo("going\n");
        assertThat(r.wallSeconds()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void aPooledRunAndAColdRunSeeTheSameSandbox() {
        RunSpec spec = RunSpec.of("facts", python(), SANDBOX_FACTS, LIMITS);
        RunResult cold = runner.prepareOneOff(spec, OutputSink.NONE).execute();
        warmUp(LIMITS);
        long hitsBefore = runner.poolStatistics().hits();

        RunResult pooled = runner.prepare(spec, OutputSink.NONE).execute();

        assertThat(runner.poolStatistics().hits() - hitsBefore).isEqualTo(1);
        assertThat(cold.outcome()).as(cold.toString()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(pooled.outcome()).isEqualTo(cold.outcome());
        assertThat(pooled.exitCode()).isEqualTo(cold.exitCode()).isZero();
        assertThat(pooled.stdout())
                .isEqualTo(cold.stdout())
                .contains("NoNewPrivs:\t1", "CapEff:\t0000000000000000", "stdin ''", "host sandpod ['lo']");
        assertThat(pooled.stderr()).isEqualTo(cold.stderr()).isEqualTo("stderr too\n");
    }

    @Test
    void cancellingAPooledRunBeforeItsStartNeverUsesTheSandbox() {
        RunSpec spec = RunSpec.of("early-cancel", python(), "print('x')", LIMITS);
        warmUp(LIMITS);
        SandboxRun run = runner.prepare(spec, OutputSink.NONE);
        run.cancel();

        RunResult r = run.execute();

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.CANCELLED);
        assertThat(r.stdout()).isEmpty();
        assertThat(runner.pooledSandboxes(spec)).isEqualTo(POOL_SIZE);
    }

    @Test
    void noSandboxIsPreStartedForAShapeNoRunHasUsed() {
        try (LocalSandboxRunner own = newRunner(Map.of())) {
            LocalRuntimeCatalog probed = new LocalRuntimeCatalog(TestSettings.runtimes(), own, Duration.ofSeconds(10));
            assertThat(own.pooledSandboxes())
                    .as("the canary and the interpreter probes are no shape to keep")
                    .isZero();

            RunSpec python = RunSpec.of("py", probed.resolve("python", "3.11").orElseThrow(), "print(1)", LIMITS);
            own.prepare(python, OutputSink.NONE).execute();

            await().atMost(READY).until(() -> own.pooledSandboxes(python) == POOL_SIZE);
            assertThat(own.pooledSandboxes()).isEqualTo(POOL_SIZE);
        }
    }

    @Test
    void onlyTheMostRecentlyUsedShapesKeepSandboxes() {
        try (LocalSandboxRunner own = newRunner(Map.of("sandpod.executor.sandbox.pool.shapes", "1"))) {
            RunSpec first = RunSpec.of("first", python(), "print(1)", LIMITS);
            RunSpec second = RunSpec.of("second", bash(), "echo 2", LIMITS);
            own.prepare(first, OutputSink.NONE).execute();
            await().atMost(READY).until(() -> own.pooledSandboxes(first) == POOL_SIZE);

            own.prepare(second, OutputSink.NONE).execute();

            await().atMost(READY)
                    .until(() -> own.pooledSandboxes(second) == POOL_SIZE && own.pooledSandboxes(first) == 0);
            assertThat(own.pooledSandboxes()).isEqualTo(POOL_SIZE);
        }
    }

    @Test
    void aShapeUnusedForTheIdleTimeLosesItsSandboxes() {
        try (LocalSandboxRunner own = newRunner(Map.of("sandpod.executor.sandbox.pool.idle", "1s"))) {
            RunSpec spec = RunSpec.of("idle", python(), "print(1)", LIMITS);
            own.prepare(spec, OutputSink.NONE).execute();
            await().atMost(READY).until(() -> own.pooledSandboxes(spec) == POOL_SIZE);

            await().atMost(Duration.ofSeconds(10)).until(() -> own.pooledSandboxes() == 0);
        }
    }

    @Test
    void aPoolOfSizeZeroStartsEveryRunCold() {
        try (LocalSandboxRunner own = newRunner(Map.of("sandpod.executor.sandbox.pool.size", "0"))) {
            RunResult r = own.prepare(RunSpec.of("cold", python(), "print(1)", LIMITS), OutputSink.NONE)
                    .execute();

            assertThat(r.stdout()).isEqualTo("1\n");
            assertThat(own.poolStatistics()).isEqualTo(new PoolStatistics(0, 0, 0));
        }
    }

    @Test
    void closingTheRunnerLeavesNothingOfThePooledSandboxes() throws IOException {
        LocalSandboxRunner own = newRunner(Map.of());
        RunSpec python = RunSpec.of("py", python(), "print(1)", LIMITS);
        RunSpec bash = RunSpec.of("sh", bash(), "echo 1", LIMITS);
        own.prepare(python, OutputSink.NONE).execute();
        own.prepare(bash, OutputSink.NONE).execute();
        await().atMost(READY).until(() -> own.pooledSandboxes() == 2 * POOL_SIZE);
        List<ProcessHandle> sandboxProcesses = processesOfUids(own);
        assertThat(sandboxProcesses).isNotEmpty();
        String instanceDir = own.instanceDir().toString();
        List<Path> cgroupDirs = own.cgroupDirs();
        assertThat(processesMentioning(instanceDir)).isNotEmpty();

        own.close();

        assertThat(sandboxProcesses).noneMatch(ProcessHandle::isAlive);
        assertThat(processesMentioning(instanceDir)).isEmpty();
        assertThat(cgroupDirs).noneMatch(Files::exists);
        assertThat(Path.of(instanceDir)).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(instanceDir);
        assertThat(own.poolStatistics().ready()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------

    private static LocalSandboxRunner newRunner(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.put("sandpod.executor.sandbox.uid-base", UID_BASE);
        settings.putIfAbsent("sandpod.executor.sandbox.pool.size", Integer.toString(POOL_SIZE));
        LocalSandboxRunner r = TestRunners.runner(settings);
        assertThat(r.capabilities().available()).as(r.capabilities().summary()).isTrue();
        return r;
    }

    /** One run of the shape, then the pool full of sandboxes started with {@code limits}. */
    private static void warmUp(SandboxLimits limits) {
        RunSpec spec = RunSpec.of("warm-up", python(), "pass", limits);
        runner.prepare(spec, OutputSink.NONE).execute();
        awaitReady(spec, POOL_SIZE);
    }

    private static void awaitReady(RunSpec spec, int count) {
        await().atMost(READY).until(() -> runner.pooledSandboxes(spec) >= count);
    }

    private static List<ProcessHandle> processesOfUids(LocalSandboxRunner r) throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                try {
                    for (String line : Files.readAllLines(p.resolve("status"))) {
                        if (line.startsWith("Uid:") && r.ownsUid(Integer.parseInt(line.split("\\s+")[1]))) {
                            ProcessHandle.of(Long.parseLong(p.getFileName().toString()))
                                    .ifPresent(found::add);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // Gone meanwhile.
                }
            }
        }
        return found;
    }

    private static List<ProcessHandle> processesMentioning(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .arguments()
                        .map(args -> Stream.of(args).anyMatch(a -> a.contains(text)))
                        .orElse(false))
                .toList();
    }

    private static ResolvedRuntime python() {
        return catalog.resolve("python", "3.11").orElseThrow();
    }

    private static ResolvedRuntime bash() {
        return catalog.resolve("bash", "5.2").orElseThrow();
    }
}
