package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.executor.TestSettings;
import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.ResolvedRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How the sandbox suites build their runner and runtime catalog: the executor's real defaults (plus a test's own
 * settings), output in frames of {@link #FRAME_BYTES} flushed every 50 ms, runtimes probed within 10 s.
 */
final class TestRunners {

    static final int FRAME_BYTES = 8192;

    private TestRunners() {}

    static LocalSandboxRunner runner(Map<String, String> settings) {
        return new LocalSandboxRunner(TestSettings.executor(settings).sandbox(), FRAME_BYTES, Duration.ofMillis(50));
    }

    static LocalSandboxRunner runner() {
        return runner(Map.of());
    }

    /**
     * A runner on its own uid range, so that processes of other runners on a shared machine are never taken for
     * its own; the suite stops at once, with the reason, where no sandbox can be set up.
     */
    static LocalSandboxRunner availableOnUids(String uidBase) {
        LocalSandboxRunner runner = runner(Map.of("sandpod.executor.sandbox.uid-base", uidBase));
        assertThat(runner.capabilities().available())
                .as(runner.capabilities().summary())
                .isTrue();
        return runner;
    }

    static LocalRuntimeCatalog catalog(LocalSandboxRunner runner) {
        return new LocalRuntimeCatalog(TestSettings.runtimes(), runner, Duration.ofSeconds(10));
    }

    /** A process seen in {@code /proc}: its pid, its command name and its state line. */
    record HostProcess(long pid, String name, String state) {
        @Override
        public String toString() {
            return pid + " " + name + " " + state;
        }
    }

    /** The host's processes that run under one of {@code runner}'s sandbox uids at this moment. */
    static List<HostProcess> processesOfUids(LocalSandboxRunner runner) {
        List<HostProcess> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                try {
                    Map<String, String> status = new HashMap<>();
                    for (String line : Files.readAllLines(p.resolve("status"))) {
                        int colon = line.indexOf(':');
                        if (colon > 0) {
                            status.put(
                                    line.substring(0, colon),
                                    line.substring(colon + 1).trim());
                        }
                    }
                    if (runner.ownsUid(Integer.parseInt(status.get("Uid").split("\\s+")[0]))) {
                        found.add(new HostProcess(
                                Long.parseLong(p.getFileName().toString()), status.get("Name"), status.get("State")));
                    }
                } catch (IOException | RuntimeException e) {
                    // Gone meanwhile.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** The runtime, or a failure that says why this host has none. */
    static ResolvedRuntime runtime(LocalRuntimeCatalog catalog, String lang, String version) {
        return catalog.resolve(lang, version)
                .orElseThrow(() -> new AssertionError(
                        catalog.rejection(lang, version).orElse(lang + " " + version + " unavailable")));
    }
}
