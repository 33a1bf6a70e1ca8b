package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.ResolvedRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The processes of a running sandbox weigh less on the CPU scheduler than the platform's own threads (issue 20
 * item 8), read from the kernel's view of them: where the sandbox's busy process and this JVM meet in the cgroup
 * tree, the sandbox's side has a lower CPU weight ({@code cpu.weight} on v2, {@code cpu.shares} on v1) than the
 * JVM's side; a JVM directly in that group competes at the weight of a nice-0 task (or its autogroup).
 */
class SandboxCpuWeightTest {

    /** Its own uid range, so processes of other runners on a shared machine are never taken for this run's. */
    private static final String UID_BASE = "1971000000";

    private static LocalSandboxRunner runner;
    private static LocalRuntimeCatalog catalog;

    @BeforeAll
    static void startRunner() {
        runner = TestRunners.availableOnUids(UID_BASE);
        catalog = TestRunners.catalog(runner);
    }

    @AfterAll
    static void stopRunner() {
        runner.close();
    }

    @Test
    void aBusySandboxsProcessesGetALowerCpuWeightThanTheJvm() throws IOException {
        ResolvedRuntime python = catalog.resolve("python", "3.11").orElseThrow();
        SandboxRun run = runner.prepareOneOff(
                RunSpec.of(
                        "cpu-weight",
                        python,
                        "while True: pass\n",
                        SandboxLimits.defaults().withTimeout(Duration.ofSeconds(60))),
                OutputSink.NONE);
        CompletableFuture<RunResult> result = CompletableFuture.supplyAsync(run::execute);
        try {
            long pid = await().atMost(Duration.ofSeconds(60))
                    .until(SandboxCpuWeightTest::aProcessOfTheRun, Optional::isPresent)
                    .orElseThrow();
            Path weightFile = runner.cgroupDirs().stream()
                    .filter(dir -> Files.exists(dir.resolve("cpu.weight")) || Files.exists(dir.resolve("cpu.shares")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no cgroup with a CPU weight: " + runner.cgroupDirs()));
            Weights weights = weightsWhereTheyMeet(weightFile, pid);

            assertThat(weights.sandbox())
                    .as("the sandbox's weight (%s) against the JVM's (%s)", weights.sandboxGroup(), weights.jvmGroup())
                    .isLessThan(weights.jvm());
        } finally {
            run.cancel();
            result.join();
        }
    }

    private record Weights(Path sandboxGroup, int sandbox, Path jvmGroup, int jvm) {}

    /**
     * The weights of the two children of the deepest group holding both the sandbox's process and this JVM, each on
     * its side, in the hierarchy of {@code instanceDir} (the executor's own group of the CPU controller).
     */
    private static Weights weightsWhereTheyMeet(Path instanceDir, long pid) throws IOException {
        boolean v2 = Files.exists(instanceDir.resolve("cpu.weight"));
        String file = v2 ? "cpu.weight" : "cpu.shares";
        List<String> sandbox = groupOf(pid, instanceDir);
        List<String> jvm = groupOf(ProcessHandle.current().pid(), instanceDir);
        Path mount = mountOf(instanceDir, sandbox);
        int common = 0;
        while (common < sandbox.size()
                && common < jvm.size()
                && sandbox.get(common).equals(jvm.get(common))) {
            common++;
        }
        assertThat(common)
                .as("the sandbox (%s) in a group of its own, apart from the JVM (%s)", sandbox, jvm)
                .isLessThan(sandbox.size());
        Path sandboxSide = resolve(mount, sandbox.subList(0, common + 1));
        int sandboxWeight =
                Integer.parseInt(Files.readString(sandboxSide.resolve(file)).trim());
        if (common == jvm.size()) {
            // The JVM's threads are tasks of that very group: each weighs as a nice-0 task (or autogroup) does.
            return new Weights(sandboxSide, sandboxWeight, resolve(mount, jvm), v2 ? 100 : 1024);
        }
        Path jvmSide = resolve(mount, jvm.subList(0, common + 1));
        return new Weights(
                sandboxSide,
                sandboxWeight,
                jvmSide,
                Integer.parseInt(Files.readString(jvmSide.resolve(file)).trim()));
    }

    private static Path resolve(Path mount, List<String> names) {
        Path p = mount;
        for (String name : names) {
            p = p.resolve(name);
        }
        return p;
    }

    /** The process's group as names below its hierarchy's root, in the hierarchy {@code instanceDir} is in. */
    private static List<String> groupOf(long pid, Path instanceDir) throws IOException {
        boolean v2 = Files.exists(instanceDir.resolve("cgroup.controllers"));
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] parts = line.split(":", 3);
            boolean cpuLine = v2
                    ? parts[0].equals("0") && parts[1].isEmpty()
                    : List.of(parts[1].split(",")).contains("cpu");
            if (cpuLine) {
                return Stream.of(parts[2].split("/")).filter(n -> !n.isEmpty()).toList();
            }
        }
        throw new AssertionError("no cpu hierarchy line in /proc/" + pid + "/cgroup");
    }

    /** The hierarchy's mount point: the instance directory less the names it shares with the sandbox's group. */
    private static Path mountOf(Path instanceDir, List<String> sandboxGroup) {
        for (int n = sandboxGroup.size(); n > 0; n--) {
            Path head = resolve(Path.of(""), sandboxGroup.subList(0, n));
            if (instanceDir.endsWith(head)) {
                Path mount = instanceDir;
                for (int i = 0; i < n; i++) {
                    mount = mount.getParent();
                }
                return mount;
            }
        }
        throw new AssertionError("the sandbox's group " + sandboxGroup + " is not under " + instanceDir);
    }

    /** A process of the run's uids that is busy (the interpreter), not bubblewrap's own. */
    private static Optional<Long> aProcessOfTheRun() {
        return TestRunners.processesOfUids(runner).stream()
                .filter(p -> p.name().startsWith("python"))
                .map(TestRunners.HostProcess::pid)
                .findFirst();
    }
}
