package dev.sandpod.executor.kubernetes;

import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The runner's settings as Spring binds them, without a context. */
final class KubernetesTestSettings {

    private KubernetesTestSettings() {}

    static KubernetesRunnerProperties properties(Map<String, String> overrides) {
        return new Binder(new MapConfigurationPropertySource(overrides))
                .bindOrCreate("sandpod.executor.kubernetes", KubernetesRunnerProperties.class);
    }

    static KubernetesRunnerProperties defaults() {
        return properties(Map.of());
    }
}
