package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The embedded profile, started without {@code SERVER_ADDRESS}: it listens on 127.0.0.1 only — read from the
 * kernel's own table of listening sockets — and says so, with its demo accounts, to whoever prints the banner.
 */
@FrontDoorTest
class BindAddressTest {

    private static final String LISTEN = "0A";

    @LocalServerPort
    int port;

    @Autowired
    NetworkExposure exposure;

    @Test
    void theEmbeddedProfileListensOnTheLoopbackAddressOnly() throws IOException {
        List<String> listening = new ArrayList<>();
        listening.addAll(listeners(Path.of("/proc/net/tcp"), port));
        listening.addAll(listeners(Path.of("/proc/net/tcp6"), port));

        assertThat(listening).as("local addresses listening on port %d", port).containsExactly("127.0.0.1");
    }

    @Test
    void theDecisionIsThereForTheBanner() {
        assertThat(exposure.demoAccountsActive()).isTrue();
        assertThat(exposure.loopbackOnly()).isTrue();
        assertThat(exposure.listeningOn()).isEqualTo("127.0.0.1:" + port);
        assertThat(exposure.describe())
                .isEqualTo("demo accounts active: yes, listening on: 127.0.0.1:" + port + " (this machine only)");
    }

    @Test
    void whetherAPasswordIsStillTheDemoOneIsCheckedAgainstTheStoredHash() {
        Client admin = Accounts.admin(port, "exposure-admin");
        Client someone = Accounts.user(port, "exposure");
        String username = someone.get("/api/v1/auth/me").body().get("username").asText();
        var account = new AccountSeeder.DemoAccount(username, username + "@example.com", Accounts.PASSWORD, null);
        assertThat(exposure.stillHasItsDemoPassword(account)).isTrue();

        Client.Reply reset = admin.post(
                "/api/v1/admin/users/" + someone.userId() + "/reset-password",
                Client.body("new_password", "a-changed-password-42"));
        assertThat(reset.status()).isEqualTo(200);

        assertThat(exposure.stillHasItsDemoPassword(account)).isFalse();
        // not created yet: the seeder would create it with the demo password
        assertThat(exposure.stillHasItsDemoPassword(
                        new AccountSeeder.DemoAccount(Accounts.name("nobody"), "n@example.com", "x", null)))
                .isTrue();
    }

    /** The local addresses of the sockets listening on {@code port}, from /proc/net/tcp or tcp6. */
    private static List<String> listeners(Path table, int port) throws IOException {
        List<String> addresses = new ArrayList<>();
        if (!Files.exists(table)) {
            return addresses;
        }
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String line :
                Files.readAllLines(table).subList(1, Files.readAllLines(table).size())) {
            String[] fields = line.trim().split("\\s+");
            String[] local = fields[1].split(":");
            if (local[1].equals(hexPort) && fields[3].equals(LISTEN)) {
                addresses.add(address(local[0]));
            }
        }
        return addresses;
    }

    /**
     * /proc/net/tcp writes an IPv4 address as one little-endian hex word; tcp6 as four, where a JVM's socket
     * bound to an IPv4 address shows as the IPv4-mapped {@code ::ffff:a.b.c.d}.
     */
    private static String address(String hex) {
        if (hex.length() == 32 && hex.startsWith("0000000000000000FFFF0000")) {
            return address(hex.substring(24));
        }
        if (hex.length() == 8) {
            long value = Long.parseLong(hex, 16);
            return (value & 0xFF) + "." + (value >> 8 & 0xFF) + "." + (value >> 16 & 0xFF) + "." + (value >> 24 & 0xFF);
        }
        return hex.equals("00000000000000000000000000000000") ? "::" : "ipv6:" + hex;
    }
}
