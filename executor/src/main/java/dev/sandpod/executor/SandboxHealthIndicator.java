package dev.sandpod.executor;

import dev.sandpod.executor.sandbox.SandboxCapabilities;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** {@code /actuator/health/sandbox}: whether runs can start here, and which limits are enforced how. */
class SandboxHealthIndicator implements HealthIndicator {

    private final SandboxCapabilities capabilities;

    SandboxHealthIndicator(SandboxCapabilities capabilities) {
        this.capabilities = capabilities;
    }

    @Override
    public Health health() {
        Health.Builder builder = capabilities.available() ? Health.up() : Health.down();
        return builder.withDetails(capabilities.details()).build();
    }
}
