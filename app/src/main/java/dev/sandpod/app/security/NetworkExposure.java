package dev.sandpod.app.security;

import dev.sandpod.command.user.PasswordVerifier;
import dev.sandpod.command.user.UserDirectory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Who can reach this app, and whether the embedded profile's demo accounts ({@code user/user123},
 * {@code admin/admin123}, passwords in the README) still open it.
 *
 * <p>The embedded profile listens on 127.0.0.1 unless {@code SERVER_ADDRESS} says otherwise. On any other
 * address the app refuses to start while a demo account still has its demo password (or is still to be
 * created with it), unless {@code SANDPOD_ALLOW_DEMO_ACCOUNTS_ON_NETWORK=true}. The check runs once every
 * bean exists and before the web server binds, so a refused app never accepts a connection; whether a
 * password was changed is asked of the command side's password verifier against the stored hash.
 *
 * <p>For the start banner: {@link #demoAccountsActive()}, {@link #listeningOn()} and {@link #describe()}
 * ("demo accounts active: yes, listening on: 127.0.0.1:8080"); the port is there once the server listens.
 */
@Component
public class NetworkExposure implements SmartInitializingSingleton, ApplicationListener<WebServerInitializedEvent> {

    static final String ALLOW_PROPERTY = "sandpod.security.allow-demo-accounts-on-network";
    static final String ALLOW_VARIABLE = "SANDPOD_ALLOW_DEMO_ACCOUNTS_ON_NETWORK";
    /** Netty binds every interface when no address is given. */
    static final String EVERY_INTERFACE = "0.0.0.0";

    private static final Logger log = LoggerFactory.getLogger(NetworkExposure.class);

    /** What was decided at start; {@link #decide} is the whole rule. */
    record Decision(String address, boolean loopbackOnly, boolean demoAccountsActive, boolean allowedByFlag) {}

    private final Environment environment;
    private final UserDirectory directory;
    private final PasswordVerifier verifier;
    private volatile Decision decision;
    private volatile Integer port;

    NetworkExposure(Environment environment, UserDirectory directory, PasswordVerifier verifier) {
        this.environment = environment;
        this.directory = directory;
        this.verifier = verifier;
    }

    @Override
    public void afterSingletonsInstantiated() {
        boolean embedded = environment.acceptsProfiles(Profiles.of("embedded"));
        String address = environment.getProperty("server.address");
        boolean allowed = environment.getProperty(ALLOW_PROPERTY, Boolean.class, false);
        decision = decide(embedded, address, allowed, this::stillHasItsDemoPassword);
    }

    /**
     * The rule: outside the embedded profile there are no demo accounts; in it, a loopback address is always
     * fine, any other one only when no demo account has its demo password any more, or with the flag.
     *
     * @throws DemoAccountsOnNetworkException when the app must not start
     */
    static Decision decide(
            boolean embedded,
            String configuredAddress,
            boolean allowedByFlag,
            Predicate<AccountSeeder.DemoAccount> stillHasItsDemoPassword) {
        String address =
                configuredAddress == null || configuredAddress.isBlank() ? EVERY_INTERFACE : configuredAddress.trim();
        boolean loopback = isLoopback(address);
        if (!embedded) {
            return new Decision(address, loopback, false, allowedByFlag);
        }
        List<AccountSeeder.DemoAccount> open = AccountSeeder.DEMO_ACCOUNTS.stream()
                .filter(stillHasItsDemoPassword)
                .toList();
        if (!open.isEmpty() && !loopback && !allowedByFlag) {
            throw new DemoAccountsOnNetworkException(address, open);
        }
        return new Decision(address, loopback, !open.isEmpty(), allowedByFlag);
    }

    /** An account not created yet counts: the seeder creates it with its demo password. */
    boolean stillHasItsDemoPassword(AccountSeeder.DemoAccount account) {
        Optional<String> userId = directory.userIdOf(account.username());
        return userId.isEmpty() || verifier.matches(userId.get(), account.password());
    }

    static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() != null) {
            return; // a separate management server, not the app's own port
        }
        port = event.getWebServer().getPort();
        Decision current = decision;
        if (current == null) {
            return;
        }
        if (current.demoAccountsActive() && !current.loopbackOnly()) {
            log.warn(
                    "Listening on {} with the demo accounts active ({}) because {}=true: anyone who can reach this"
                            + " port can sign in with their published passwords",
                    listeningOn(),
                    names(AccountSeeder.DEMO_ACCOUNTS),
                    ALLOW_VARIABLE);
        } else {
            log.info("Network exposure: {}", describe());
        }
    }

    /** Whether a demo account still opens this app with its published password (decided at start). */
    public boolean demoAccountsActive() {
        Decision current = decision;
        return current != null && current.demoAccountsActive();
    }

    /** Whether only this machine can connect (a loopback address). */
    public boolean loopbackOnly() {
        Decision current = decision;
        return current != null && current.loopbackOnly();
    }

    /** {@code address:port} once the server listens ({@code 0.0.0.0} = every interface), the address before. */
    public String listeningOn() {
        Decision current = decision;
        String address =
                current == null ? environment.getProperty("server.address", EVERY_INTERFACE) : current.address();
        String host = address.contains(":") ? "[" + address + "]" : address;
        return port == null ? host : host + ":" + port;
    }

    /** One line for the banner and the log: {@code demo accounts active: yes, listening on: 127.0.0.1:8080}. */
    public String describe() {
        return "demo accounts active: " + (demoAccountsActive() ? "yes" : "no") + ", listening on: " + listeningOn()
                + (loopbackOnly() ? " (this machine only)" : " (reachable from the network)");
    }

    static String names(List<AccountSeeder.DemoAccount> accounts) {
        return accounts.stream().map(a -> a.username() + "/" + a.password()).collect(Collectors.joining(", "));
    }
}
