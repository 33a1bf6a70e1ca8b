package dev.sandpod.executor;

import dev.sandpod.executor.runtime.RuntimeProperties;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** Binds the real defaults (property records and the shipped YAML) without starting a Spring context. */
public final class TestSettings {

    private TestSettings() {}

    public static ExecutorProperties executor(Map<String, String> overrides) {
        return new Binder(new MapConfigurationPropertySource(overrides))
                .bindOrCreate("sandpod.executor", ExecutorProperties.class);
    }

    public static ExecutorProperties executor() {
        return executor(Map.of());
    }

    public static RuntimeProperties runtimes() {
        StandardEnvironment environment = new StandardEnvironment();
        new ExecutorDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        return Binder.get(environment)
                .bind("sandpod.runtimes", RuntimeProperties.class)
                .get();
    }
}
