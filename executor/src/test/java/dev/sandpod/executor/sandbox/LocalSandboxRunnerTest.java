package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.ResolvedRuntime;
import dev.sandpod.executor.sandbox.SandboxCapabilities.Enforcement;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The local runner against real bubblewrap and real interpreters of this host. */
class LocalSandboxRunnerTest {

    private static final Logger log = LoggerFactory.getLogger(LocalSandboxRunnerTest.class);
    private static final int FRAME_BYTES = TestRunners.FRAME_BYTES;
    private static final SandboxLimits LIMITS = SandboxLimits.defaults();

    private static LocalSandboxRunner runner;
    private static LocalRuntimeCatalog catalog;

    @BeforeAll
    static void startRunner() {
        runner = TestRunners.runner();
        catalog = TestRunners.catalog(runner);
        assertThat(runner.capabilities().available())
                .as(runner.capabilities().summary())
                .isTrue();
    }

    @AfterAll
    static void stopRunner() {
        runner.close();
    }

    @Test
    void theStartupSummaryStatesHowEachLimitIsEnforced() {
        SandboxCapabilities caps = runner.capabilities();
        String expected = "memory=" + caps.memory().label() + ", pids="
                + caps.pids().label() + ", cpu=" + caps.cpu().label();

        assertThat(caps.summary())
                .contains("limits enforced by: " + expected + ", file size=rlimit, open files=rlimit")
                .containsPattern("memory=cgroup v[12], pids=cgroup v[12], cpu=cgroup v[12]")
                .contains("inodes bounded");
        assertThat(caps.details()).containsEntry("fileSize", "rlimit");
    }

    @Test
    void printingHiCompletesWithItsOutputAndMeasuredUsage() {
        RunResult r = python("print('hi')", LIMITS, OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("hi\n");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.errorType()).isNull();
        assertThat(r.clkTckHertz()).isPositive();
        assertThat(r.peakMemoryKb()).isPositive();
        assertThat(r.cpuTimeJiffies()).isNotNegative();
        assertThat(r.wallSeconds()).isPositive().isLessThan(5);
    }

    @Test
    void aSyntaxErrorCompletesWithANonZeroExitAndTheErrorInStderr() {
        RunResult r = python("print('unclosed'", LIMITS, OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("SyntaxError");
        assertThat(r.errorType()).isNull();
    }

    @Test
    void aBusyLoopTimesOutWithinTheTimeoutPlusTwoSecondsKeepingEarlierOutput() {
        long started = System.nanoTime();
        RunResult r = python(
                "print('before', flush=True)\nwhile True: pass",
                LIMITS.withTimeout(Duration.ofSeconds(2)),
                OutputSink.NONE);
        double elapsed = (System.nanoTime() - started) / 1e9;

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.TIMEOUT);
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.errorType()).isEqualTo("timeout");
        assertThat(r.stdout()).isEqualTo("before\n");
        assertThat(r.wallSeconds()).isBetween(2.0, 4.0);
        assertThat(elapsed).isLessThan(4.0);
        assertThat(r.cpuTimeJiffies())
                .as("a busy loop uses CPU, however busy the host")
                .isPositive();
    }

    @Test
    void aBashScriptRunsWithItsOwnExitCodeAndBothStreams() {
        RunResult r = run("bash", "5.2", "echo \"hello $((6 * 7))\"\necho oops >&2\nexit 3\n", LIMITS, OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("hello 42\n");
        assertThat(r.stderr()).isEqualTo("oops\n");
    }

    @Test
    void aSandboxThatCannotStartTheProgramIsASystemErrorNotAScriptResult() {
        RunResult r = runner.prepare(
                        new RunSpec(
                                "broken",
                                "main.py",
                                "print(1)",
                                List.of("/usr/bin/no-such-interpreter", "main.py"),
                                Map.of(),
                                LIMITS),
                        OutputSink.NONE)
                .execute();

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("system_error");
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.errorMessage()).startsWith("sandbox setup failed: ").contains("no-such-interpreter");
    }

    @Test
    void aScriptExitingLikeASetupFailureIsStillItsOwnResult() {
        RunResult r = run("bash", "5.2", "echo 'bwrap: fake' >&2\nexit 1\n", LIMITS, OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void cancellingARunningScriptStopsItAndLeavesNoProcessBehind() {
        String marker = "987.6543";
        List<String> frames = Collections.synchronizedList(new ArrayList<>());
        SandboxRun run = runner.prepare(
                RunSpec.of(
                        "cancel-test",
                        runtime("bash", "5.2"),
                        "sleep " + marker + " &\necho started\nwait\n",
                        LIMITS.withTimeout(Duration.ofSeconds(60))),
                (stream, text) -> frames.add(text));
        CompletableFuture<RunResult> result = CompletableFuture.supplyAsync(run::execute);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> String.join("", frames).contains("started"));
        // "started" can come before the background child has exec'd sleep (its cmdline is bash's until then).
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !processesWith(marker).isEmpty());

        long cancelled = System.nanoTime();
        assertThat(run.cancel()).isTrue();
        RunResult r = result.join();

        assertThat((System.nanoTime() - cancelled) / 1e9).isLessThan(2.0);
        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.CANCELLED);
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stdout()).isEqualTo("started\n");
        assertThat(processesWith(marker)).isEmpty();
    }

    @Test
    void cancellingBeforeTheStartNeverStartsTheProgram() {
        SandboxRun run = runner.prepare(
                RunSpec.of("early-cancel", runtime("python", "3.11"), "print('x')", LIMITS), OutputSink.NONE);
        run.cancel();

        RunResult r = run.execute();

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.CANCELLED);
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void endlessOutputEndsTheRunAtTheCapWithBoundedFrames() {
        int cap = 64 * 1024;
        List<String> frames = Collections.synchronizedList(new ArrayList<>());
        RunResult r = python(
                "while True: print('y' * 100)",
                LIMITS.withTimeout(Duration.ofSeconds(10)).withMaxOutputBytes(cap),
                (stream, text) -> frames.add(text));

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("resource_limit");
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.wallSeconds()).as("killed at the cap, not at the timeout").isLessThan(5);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stdout()).hasSize(cap).startsWith("yyyy");
        assertThat(frames).allSatisfy(frame -> assertThat(frame.length()).isLessThanOrEqualTo(FRAME_BYTES));
        assertThat(String.join("", frames)).isEqualTo(r.stdout());
    }

    @Test
    void capsCountBytesOfOneHugeLineAndCutNoCharacterInHalf() {
        RunResult r = python(
                "import sys\nsys.stdout.write('\u00e9' * 5000)", LIMITS.withMaxOutputBytes(1001), OutputSink.NONE);

        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stdout()).isEqualTo("\u00e9".repeat(500));
    }

    @Test
    void liveOutputArrivesWhileTheProgramIsStillRunning() {
        List<String> frames = Collections.synchronizedList(new ArrayList<>());
        SandboxRun run = runner.prepare(
                RunSpec.of(
                        "live",
                        runtime("python", "3.11"),
                        "import time\nprint('first')\ntime.sleep(30)\n",
                        LIMITS.withTimeout(Duration.ofSeconds(60))),
                (stream, text) -> frames.add(text));
        CompletableFuture<RunResult> result = CompletableFuture.supplyAsync(run::execute);

        // The program sleeps 30 s after its first line: the line must come while it still runs (a loaded CI
        // machine may take seconds to start the sandbox, so the bound is generous but below the sleep).
        await().atMost(Duration.ofSeconds(25)).until(() -> frames.contains("first\n"));
        assertThat(result).isNotDone();
        run.cancel();
        assertThat(result.join().outcome()).isEqualTo(RunResult.Outcome.CANCELLED);
    }

    @Test
    void invalidUtf8IsReplacedNotDropped() {
        RunResult r =
                python("import sys\nsys.stdout.buffer.write(b'ok\\xff\\xfe\\x00end\\n')", LIMITS, OutputSink.NONE);

        assertThat(r.stdout()).isEqualTo("ok\uFFFD\uFFFD\u0000end\n");
    }

    @Test
    void stdinIsEmptySoReadingItEndsAtOnce() {
        RunResult r = python(
                "import sys\nprint(repr(sys.stdin.read()))",
                LIMITS.withTimeout(Duration.ofSeconds(5)),
                OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.stdout()).isEqualTo("''\n");
    }

    @Test
    void theSandboxHasNoNetworkNotEvenToTheHostsLoopback() throws IOException {
        try (ServerSocket hostService = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String script = String.join(
                    "\n",
                    "import socket",
                    // No public address as a target: an empty namespace is shown by its interfaces and routes.
                    "for host, port in [('127.0.0.1', " + hostService.getLocalPort() + ")]:",
                    "    s = socket.socket()",
                    "    s.settimeout(3)",
                    "    try:",
                    "        s.connect((host, port))",
                    "        print(host, 'CONNECTED')",
                    "    except OSError as e:",
                    "        print(host, 'blocked', type(e).__name__)",
                    "print(sorted(i[1] for i in socket.if_nameindex()))",
                    "print('routes', len(open('/proc/net/route').read().splitlines()) - 1)");
            long started = System.nanoTime();
            RunResult r = python(script, LIMITS, OutputSink.NONE);

            assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
            assertThat(r.stdout())
                    .doesNotContain("CONNECTED")
                    .contains("127.0.0.1 blocked")
                    .contains("['lo']")
                    .contains("routes 0");
            assertThat((System.nanoTime() - started) / 1e9).as("fails fast").isLessThan(3.0);
        }
    }

    @Test
    void theProgramSeesOnlyItsOwnProcessesAnAllowlistedEnvironmentAndNoInheritedFds() {
        String script = String.join(
                "\n",
                "import os",
                "print(os.getuid(), os.getgid())",
                "print(sorted(p for p in os.listdir('/proc') if p.isdigit()))",
                "print(sorted(os.environ))",
                "print(sorted(os.listdir('/proc/self/fd')))",
                "print(os.getcwd(), sorted(os.listdir('.')))",
                "print(open('/proc/self/status').read().split('NoNewPrivs:')[1].split()[0])",
                "print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])");
        RunResult r = python(script, LIMITS, OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("1000 1000");
        assertThat(lines.get(1)).isEqualTo("['1', '2']");
        assertThat(lines.get(2))
                .isEqualTo("['HOME', 'LANG', 'LOGNAME', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', "
                        + "'PYTHONUNBUFFERED', 'TMPDIR', 'USER']");
        assertThat(lines.get(3)).isEqualTo("['0', '1', '2', '3']");
        assertThat(lines.get(4)).isEqualTo("/workspace ['.tmp', 'main.py']");
        assertThat(lines.get(5)).isEqualTo("1");
        assertThat(lines.get(6)).isEqualTo("0000000000000000");
    }

    @Test
    void onlyTheWorkspaceAndTmpAreWritableAndBothAreSized() {
        String script = String.join(
                "\n",
                "for path in ['/workspace/a', '/tmp/b', '/dev/shm/c', '/usr/x', '/x', '/dev/x', '/etc/passwd']:",
                "    try:",
                "        open(path, 'w').write('1')",
                "        print(path, 'ok')",
                "    except OSError as e:",
                "        print(path, 'denied')",
                "try:",
                "    open('/tmp/big', 'wb').write(b'0' * (2 * 1024 * 1024))",
                "    print('big ok')",
                "except OSError as e:",
                "    print('big', e.errno)");
        RunResult r = python(script, LIMITS, OutputSink.NONE);

        assertThat(r.stdout().lines())
                .containsExactly(
                        "/workspace/a ok",
                        "/tmp/b ok",
                        "/dev/shm/c ok",
                        "/usr/x denied",
                        "/x denied",
                        "/dev/x denied",
                        "/etc/passwd denied",
                        "big ok");
        RunResult small = python(
                "open('/tmp/big', 'wb').write(b'0' * (2 * 1024 * 1024))",
                new SandboxLimits(Duration.ofSeconds(10), 128L << 20, 1000, 64, 1 << 20, 1 << 20),
                OutputSink.NONE);
        assertThat(small.exitCode()).isNotZero();
        assertThat(small.stderr()).containsAnyOf("No space left on device", "File too large");
    }

    @Test
    void dangerousSyscallsAreDeniedBySeccompWhileOrdinaryOnesWork() {
        String script = String.join(
                "\n",
                "import ctypes, os",
                "libc = ctypes.CDLL(None, use_errno=True)",
                "def call(name, nr, *args):",
                "    r = libc.syscall(nr, *args)",
                "    print(name, r, os.strerror(ctypes.get_errno()) if r < 0 else 'ok')",
                "call('ptrace', 101, 0, 0, 0, 0)",
                "call('keyctl', 250, 0, -3, 0)",
                "call('unshare', 272, 0x00020000)",
                "call('io_uring_setup', 425, 1, 0)",
                "call('getpid', 39)",
                "print(open('/proc/self/status').read().split('Seccomp:')[1].split()[0])");
        RunResult r = python(script, LIMITS, OutputSink.NONE);

        assertThat(runner.capabilities().seccomp()).contains("denied");
        assertThat(r.stdout().lines())
                .containsExactly(
                        "ptrace -1 Operation not permitted",
                        "keyctl -1 Operation not permitted",
                        "unshare -1 Operation not permitted",
                        "io_uring_setup -1 Operation not permitted",
                        "getpid 2 ok",
                        "2");
    }

    @Test
    void nodeRunsWithAsyncFileIoUnderTheFilter() {
        RunResult r = run(
                "node",
                "20",
                String.join(
                        "\n",
                        "const fs = require('fs');",
                        "fs.writeFileSync('/tmp/a.txt', 'data');",
                        "fs.readFile('/tmp/a.txt', 'utf8', (err, text) => console.log(err ? err.code : text));"),
                LIMITS,
                OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.stdout()).isEqualTo("data\n");
    }

    @Test
    void aDaemonizedChildDoesNotOutliveTheRun() {
        String marker = "876.5432";
        RunResult r = run(
                "bash",
                "5.2",
                "(setsid sleep " + marker + " > /dev/null 2>&1 &)\necho detached\n",
                LIMITS,
                OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.stdout()).isEqualTo("detached\n");
        assertThat(processesWith(marker)).isEmpty();
    }

    @Test
    void hittingTheMemoryLimitFailsTheRunWithResourceLimit() {
        assertThat(runner.capabilities().memory()).isIn(Enforcement.CGROUP_V1, Enforcement.CGROUP_V2);
        RunResult r = python(
                "a = []\nwhile True: a.append('x' * 1_000_000)", LIMITS.withMemoryBytes(64L << 20), OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.FAILED);
        assertThat(r.errorType()).isEqualTo("resource_limit");
        assertThat(r.peakMemoryKb()).isGreaterThan(48 * 1024).isLessThanOrEqualTo(64 * 1024 + 1024);
    }

    @Test
    void forksStopAtThePidsLimit() {
        String script = String.join(
                "\n",
                "import os, time",
                "n = 0",
                "try:",
                "    while n < 1000:",
                "        if os.fork() == 0:",
                "            time.sleep(30)",
                "            os._exit(0)",
                "        n += 1",
                "except OSError as e:",
                "    print('stopped', e.errno)",
                "print(n)");
        RunResult r = python(script, LIMITS.withPids(16), OutputSink.NONE);

        assertThat(r.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(r.stdout()).startsWith("stopped 11\n");
        assertThat(Integer.parseInt(r.stdout().lines().toList().get(1))).isLessThan(16);
    }

    @Test
    void noFileOrCgroupOfARunIsLeftOnTheHost() throws IOException {
        python("print('x')", LIMITS, OutputSink.NONE);
        assertNothingOfARunIsLeft(runner);
    }

    /**
     * Drains the runner's pool, then checks that its work directory and cgroups come to hold nothing of a run
     * (a drained pre-started sandbox removes its files once its process has been reaped, which a loaded machine
     * may take a moment to do).
     */
    static void assertNothingOfARunIsLeft(LocalSandboxRunner runner) {
        runner.drainPool();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            try (var files = Files.list(runner.instanceDir())) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("passwd", "group", "seccomp.bpf", WorkDir.MOUNT_POINT);
            }
            try (var mountPoint = Files.list(runner.instanceDir().resolve(WorkDir.MOUNT_POINT))) {
                assertThat(mountPoint).isEmpty();
            }
            for (Path dir : runner.cgroupDirs()) {
                try (var groups = Files.list(dir)) {
                    assertThat(groups.filter(Files::isDirectory)).isEmpty();
                }
            }
        });
    }

    @Test
    void printHiMedianTimeIsLoggedNextToABareInterpreterStart() throws Exception {
        List<Double> sandboxed = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long started = System.nanoTime();
            RunResult r = python("print('hi')", LIMITS, OutputSink.NONE);
            sandboxed.add((System.nanoTime() - started) / 1e6);
            assertThat(r.stdout()).isEqualTo("hi\n");

            started = System.nanoTime();
            Process p = new ProcessBuilder(runtime("python", "3.11").interpreter(), "-c", "print('hi')").start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            bare.add((System.nanoTime() - started) / 1e6);
        }
        double median = median(sandboxed);
        log.info(
                "print('hi') over 20 runs: sandboxed median {} ms (min {}), bare interpreter median {} ms (min {})",
                String.format("%.1f", median),
                String.format("%.1f", Collections.min(sandboxed)),
                String.format("%.1f", median(bare)),
                String.format("%.1f", Collections.min(bare)));
        assertThat(median).isLessThan(1000);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }

    private static RunResult python(String script, SandboxLimits limits, OutputSink sink) {
        return run("python", "3.11", script, limits, sink);
    }

    private static RunResult run(String lang, String version, String script, SandboxLimits limits, OutputSink sink) {
        return runner.prepare(RunSpec.of(lang + "-test", runtime(lang, version), script, limits), sink)
                .execute();
    }

    private static ResolvedRuntime runtime(String lang, String version) {
        return TestRunners.runtime(catalog, lang, version);
    }

    private static List<ProcessHandle> processesWith(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .arguments()
                        .map(args -> List.of(args).contains(marker))
                        .orElse(false))
                .toList();
    }
}
