package dev.sandpod.app.security;

import dev.sandpod.api.user.UserRole;
import dev.sandpod.command.user.UserRegistration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The embedded profile's demo accounts; never created in any other profile. Their passwords are public
 * (README), which is why {@link NetworkExposure} keeps such an app off the network.
 */
@Component
@Profile("embedded")
class AccountSeeder implements ApplicationRunner {

    record DemoAccount(String username, String email, String password, UserRole role) {}

    static final List<DemoAccount> DEMO_ACCOUNTS = List.of(
            new DemoAccount("user", "user@sandpod.local", "user123", UserRole.USER),
            new DemoAccount("admin", "admin@sandpod.local", "admin123", UserRole.ADMIN));

    private static final Logger log = LoggerFactory.getLogger(AccountSeeder.class);

    private final UserRegistration registration;

    AccountSeeder(UserRegistration registration) {
        this.registration = registration;
    }

    @Override
    public void run(ApplicationArguments args) {
        DEMO_ACCOUNTS.forEach(this::seed);
    }

    private void seed(DemoAccount account) {
        if (registration.exists(account.username())) {
            return;
        }
        registration.register(account.username(), account.email(), account.password(), account.role());
        log.info("Seeded the embedded profile's {} account '{}'", account.role().wireName(), account.username());
    }
}
