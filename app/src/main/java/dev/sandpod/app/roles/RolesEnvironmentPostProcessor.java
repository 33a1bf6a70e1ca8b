package dev.sandpod.app.roles;

import dev.sandpod.app.roles.SandpodRoles.Role;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code sandpod.roles} into the switches of the parts it names, ahead of any bean:
 *
 * <ul>
 *   <li>without {@code executor}: {@code sandpod.executor.enabled=false} (no run-request consumer, no runner; the
 *       runtime registry is still known for validation);
 *   <li>without {@code processors}: {@code sandpod.roles.processors=false} (no run-report consumer),
 *       {@code sandpod.axon.claim-segments=false} (the streaming processors are
 *       registered but claim no segment, so they handle no event: the instances with the role share them) and
 *       {@code jobrunr.background-job-server.enabled=false} (deadlines fire on the processor instances).
 * </ul>
 *
 * Subscribing processors (admission, front-door sessions, the result fast path) belong to the command side and
 * the HTTP edge: they handle only what this instance publishes and stay on with {@code api}.
 */
public class RolesEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY_SOURCE_NAME = "sandpodRoles";

    @Override
    public int getOrder() {
        // After the config data (application.yml, profiles) so sandpod.roles may come from there.
        return Ordered.LOWEST_PRECEDENCE - 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
            return;
        }
        SandpodRoles roles = SandpodRoles.parse(environment.getProperty(SandpodRoles.PROPERTY));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(SandpodRoles.PROPERTY, roles.toString());
        if (!roles.has(Role.EXECUTOR)) {
            properties.put("sandpod.executor.enabled", false);
        }
        if (!roles.has(Role.PROCESSORS)) {
            // the run-report handler (command-side RunReportListener) turns reports into commands: processors' work
            properties.put("sandpod.roles.processors", false);
            properties.put("sandpod.axon.claim-segments", false);
            properties.put("jobrunr.background-job-server.enabled", false);
        }
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
    }
}
