package dev.sandpod.app.security;

import dev.sandpod.api.user.UserRole;
import dev.sandpod.command.user.UserRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** The embedded profile's demo accounts; never created in any other profile. */
@Component
@Profile("embedded")
class AccountSeeder implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AccountSeeder.class);

    private final UserRegistration registration;

    AccountSeeder(UserRegistration registration) {
        this.registration = registration;
    }

    @Override
    public void run(ApplicationArguments args) {
        seed("user", "user@sandpod.local", "user123", UserRole.USER);
        seed("admin", "admin@sandpod.local", "admin123", UserRole.ADMIN);
    }

    private void seed(String username, String email, String password, UserRole role) {
        if (registration.exists(username)) {
            return;
        }
        registration.register(username, email, password, role);
        log.info("Seeded the embedded profile's {} account '{}'", role.wireName(), username);
    }
}
