package dev.sandpod.app.journey;

import dev.sandpod.app.SandpodApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole app in this JVM on a given data directory and a free port, as the restart, redelivery and backup
 * journeys start it (again) on the same directory: embedded Mongo-wire store and Kafka broker under it.
 */
public final class AppOnDataDir {

    /** The rate limits off, for journeys that submit more than a user's per-minute allowance. */
    public static final String RATE_LIMITS_OFF = "--sandpod.rate-limit.enabled=false";

    private AppOnDataDir() {}

    /**
     * Starts it with {@code extraArgs} after the common ones. Command-line arguments on purpose: they outrank
     * application.yml (builder properties are only defaults, and application.yml's sandpod.data-dir would win).
     */
    public static ConfigurableApplicationContext start(Path dataDir, String... extraArgs) {
        List<String> args = new ArrayList<>(
                List.of("--server.port=0", "--sandpod.data-dir=" + dataDir, "--sandpod.security.bcrypt.cost=4"));
        args.addAll(List.of(extraArgs));
        return new SpringApplicationBuilder(SandpodApplication.class).run(args.toArray(String[]::new));
    }

    /** The HTTP port it listens on. */
    public static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
