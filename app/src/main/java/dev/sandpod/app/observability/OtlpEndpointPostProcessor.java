package dev.sandpod.app.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * One switch for OTLP: {@code SANDPOD_OTLP_ENDPOINT} (or the standard {@code OTEL_EXPORTER_OTLP_ENDPOINT}), the
 * collector's base URL such as {@code http://collector:4318}, turns on the export of traces and metrics over
 * OTLP/HTTP. Without it nothing is exported and nothing tries to connect (no exporter errors in the log).
 * Explicit {@code management.otlp.*} settings (environment, command line, an operator's config file) still win:
 * this source comes after all of them, so application.yml must not set these keys itself.
 */
public class OtlpEndpointPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE = "sandpodOtlp";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String endpoint = environment.getProperty("sandpod.otlp.endpoint");
        if (endpoint == null || endpoint.isBlank()) {
            endpoint = environment.getProperty("OTEL_EXPORTER_OTLP_ENDPOINT");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        if (endpoint == null || endpoint.isBlank()) {
            // The OTLP meter registry would otherwise push to localhost:4318 every minute and log each failure.
            properties.put("management.otlp.metrics.export.enabled", "false");
        } else {
            String base = endpoint.strip().replaceAll("/+$", "");
            properties.put("management.otlp.tracing.endpoint", base + "/v1/traces");
            properties.put("management.otlp.metrics.export.url", base + "/v1/metrics");
            properties.put("management.otlp.metrics.export.enabled", "true");
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, properties));
    }

    @Override
    public int getOrder() {
        // after the config files are loaded, so that sandpod.otlp.endpoint can come from any of them
        return Ordered.LOWEST_PRECEDENCE;
    }
}
