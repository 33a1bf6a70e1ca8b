package dev.sandpod.app;

import dev.sandpod.app.security.NetworkExposure;
import dev.sandpod.command.user.UserRegistration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.logging.LogFile;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The few lines someone who just started Sandpod needs once it answers: its URL, how to sign in, where its
 * data and its full log are, and how to stop it.
 *
 * <p>The embedded profile keeps the terminal for warnings ({@code logging.threshold.console=WARN}; the full
 * log goes to a file in the data dir). That threshold is a filter on the console appender which no logger
 * passes below WARN, and a banner logged at WARN would read as a problem, so in that case the banner is
 * written to standard output directly, as Spring Boot writes its own start-up banner. It is always logged at
 * INFO as well: the log file records it, and where the console shows INFO (other profiles, or
 * {@code LOGGING_THRESHOLD_CONSOLE=INFO}) that is the copy on the terminal, so it never appears twice.
 */
@Component
class ReadyBanner {

    private static final Logger log = LoggerFactory.getLogger(ReadyBanner.class);

    /** The embedded profile's demo accounts, as {@code security.AccountSeeder} creates them. */
    private static final List<Map.Entry<String, String>> DEMO_ACCOUNTS =
            List.of(Map.entry("user", "user123"), Map.entry("admin", "admin123"));

    /** Addresses a browser on this machine reaches as {@code localhost} (the embedded profile binds 127.0.0.1). */
    private static final Set<String> LOCALHOST =
            Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "127.0.0.1", "::1", "[::1]", "localhost");

    private final Environment environment;
    private final ObjectProvider<UserRegistration> registration;
    private final ObjectProvider<NetworkExposure> exposure;

    ReadyBanner(
            Environment environment,
            ObjectProvider<UserRegistration> registration,
            ObjectProvider<NetworkExposure> exposure) {
        this.environment = environment;
        this.registration = registration;
        this.exposure = exposure;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady(ApplicationReadyEvent event) {
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext web) || web.getWebServer() == null) {
            return; // no HTTP server (a partial context in a test): nothing to point at
        }
        String banner = banner(web.getWebServer().getPort());
        log.info("{}", banner);
        if (!consoleShowsInfo()) {
            System.out.print(System.lineSeparator() + banner + System.lineSeparator() + System.lineSeparator());
            System.out.flush();
        }
    }

    private String banner(int port) {
        List<String> lines = new ArrayList<>();
        lines.add("Sandpod is ready at " + url(port));
        List<String> accounts = existingDemoAccounts();
        if (!accounts.isEmpty()) {
            lines.add("  Sign in:  " + String.join(" or ", accounts) + " (demo accounts of the embedded profile)");
        }
        NetworkExposure network = exposure.getIfAvailable();
        if (network != null) {
            lines.add("  Network:  " + network.describe());
        }
        lines.add("  Data:     " + environment.getProperty("sandpod.data-dir"));
        LogFile logFile = LogFile.get(environment);
        if (logFile != null) {
            lines.add("  Log:      " + logFile);
        }
        lines.add("  Stop:     Ctrl+C");
        return String.join(System.lineSeparator(), lines);
    }

    private String url(int port) {
        String address = environment.getProperty("server.address", "").trim();
        String host = address.isEmpty() || LOCALHOST.contains(address)
                ? "localhost"
                : address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
        boolean tls = environment.getProperty("server.ssl.enabled", Boolean.class, true)
                && (environment.containsProperty("server.ssl.bundle")
                        || environment.containsProperty("server.ssl.key-store")
                        || environment.containsProperty("server.ssl.certificate"));
        return (tls ? "https" : "http") + "://" + host + ":" + port + "/";
    }

    private List<String> existingDemoAccounts() {
        UserRegistration users = registration.getIfAvailable();
        NetworkExposure network = exposure.getIfAvailable();
        if (users == null
                || !environment.matchesProfiles("embedded")
                || (network != null && !network.demoAccountsActive())) {
            return List.of();
        }
        List<String> accounts = new ArrayList<>();
        for (Map.Entry<String, String> account : DEMO_ACCOUNTS) {
            if (users.exists(account.getKey())) {
                accounts.add(account.getKey() + " / " + account.getValue());
            }
        }
        return accounts;
    }

    /** False when {@code logging.threshold.console} keeps INFO lines off the terminal. */
    private boolean consoleShowsInfo() {
        String threshold =
                environment.getProperty("logging.threshold.console", "").trim();
        if (threshold.isEmpty()) {
            return true;
        }
        try {
            return LogLevel.valueOf(threshold.toUpperCase(Locale.ROOT)).ordinal() <= LogLevel.INFO.ordinal();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
