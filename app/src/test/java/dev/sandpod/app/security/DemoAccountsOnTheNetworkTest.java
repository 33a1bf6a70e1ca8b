package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sandpod.app.SandpodApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.NestedExceptionUtils;

/**
 * {@code ./sandpod run} with {@code SERVER_ADDRESS=0.0.0.0} on a fresh data directory, where the demo accounts
 * are about to be created with their published passwords: the app does not start, and says why and what to do.
 */
class DemoAccountsOnTheNetworkTest {

    @Test
    void theEmbeddedProfileRefusesToListenOnEveryInterfaceWithItsDemoAccounts() throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-exposed");

        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(SandpodApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=0.0.0.0",
                        "--sandpod.data-dir=" + dataDir,
                        "--sandpod.security.bcrypt.cost=4")
                .close());

        assertThat(failure).isNotNull();
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(failure);
        assertThat(cause).isInstanceOf(DemoAccountsOnNetworkException.class);
        assertThat(cause.getMessage())
                .startsWith("Refusing to start: SERVER_ADDRESS=0.0.0.0")
                .contains("user/user123, admin/admin123")
                .contains("SANDPOD_ALLOW_DEMO_ACCOUNTS_ON_NETWORK=true");
    }
}
