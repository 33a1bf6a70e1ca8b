package bench.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The embedded store's benchmark (issue 9). Prints numbers, asserts nothing. Run it with
 * {@code bench/store/run.sh} (see README.md beside it); every phase starts on a fresh data directory.
 *
 * <ul>
 *   <li>{@code axon}: appends N events across M aggregates through Axon's EventStore on the embedded
 *       Mongo-wire server (the app's own Axon wiring), then lets a pooled processor catch up from the
 *       first event, resets and replays it, and finally appends at a fixed rate while it follows live.</li>
 *   <li>{@code query}: starts the whole application, seeds the execution read model directly and times
 *       {@code GET /api/v1/user/executions?limit=50} over HTTP.</li>
 * </ul>
 *
 * <p>The package is deliberately outside {@code dev.sandpod}: the application scans that one.
 */
public final class StoreBench {

    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.out.printf(Locale.ROOT, "store bench: %s%n", options);
        System.out.printf(Locale.ROOT, "load average at start: %s, cpus %d, max heap %d MB%n", loadAverage(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        Map<String, String> results = new LinkedHashMap<>();
        int status = 0;
        try {
            if (options.phases().contains("axon")) {
                new AxonStoreBench(options, results).run();
            }
            if (options.phases().contains("query")) {
                new QueryLatencyBench(options, results).run();
            }
        } catch (Exception e) {
            e.printStackTrace();
            results.put("FAILED", String.valueOf(e));
            status = 1;
        }
        System.out.printf(Locale.ROOT, "%n==== results (%s) ====%n", options.label());
        results.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-44s %s%n", k, v));
        System.out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
        // Non-daemon threads of the closed contexts (Netty, Mongo driver) must not keep the JVM alive.
        System.exit(status);
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    /** Command-line settings: {@code --name value} pairs and {@code -Dspring.property=value} for the contexts. */
    record Options(String phases, int events, int aggregates, int writers, int rate, int liveSeconds,
                   int burstSeconds, int executions, int userExecutions, int requests, int warmup, int timeoutSeconds,
                   String skip, String label, String dataDir, int settleSeconds, Map<String, String> extraProperties) {

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, String> extra = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.startsWith("-D") && arg.contains("=")) {
                    int eq = arg.indexOf('=');
                    extra.put(arg.substring(2, eq), arg.substring(eq + 1));
                } else if (arg.startsWith("--") && i + 1 < args.length) {
                    values.put(arg.substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unexpected argument " + arg);
                }
            }
            return new Options(values.getOrDefault("phases", "axon,query"),
                    intValue(values, "events", 100_000), intValue(values, "aggregates", 1_000),
                    intValue(values, "writers", 4), intValue(values, "rate", 500),
                    intValue(values, "live-seconds", 60), intValue(values, "burst-seconds", 15),
                    intValue(values, "executions", 100_000), intValue(values, "user-executions", 1_000),
                    intValue(values, "requests", 200), intValue(values, "warmup", 20), intValue(values, "timeout", 300),
                    values.getOrDefault("skip", ""), values.getOrDefault("label", "current"), values.get("data-dir"),
                    intValue(values, "settle-seconds", 60), extra);
        }

        private static int intValue(Map<String, String> values, String key, int defaultValue) {
            String value = values.get(key);
            return value == null ? defaultValue : Integer.parseInt(value.replace("_", ""));
        }
    }
}
