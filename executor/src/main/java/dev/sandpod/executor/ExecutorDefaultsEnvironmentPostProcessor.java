package dev.sandpod.executor;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds the runtime registry defaults shipped in this jar ({@code config/sandpod-runtimes.yml}) as the
 * lowest-precedence property source, so every application.yml, profile or environment variable overrides
 * them. Chosen over {@code spring.config.import} (which the app would have to declare, and which ranks above
 * the importing file's own keys) and over {@code @PropertySource} (which cannot read YAML and is applied too
 * late for conditions).
 */
public class ExecutorDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String NAME = "sandpod-executor-defaults";
    static final String LOCATION = "config/sandpod-runtimes.yml";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(NAME)) {
            return;
        }
        try {
            new YamlPropertySourceLoader()
                    .load(NAME, new ClassPathResource(LOCATION, getClass().getClassLoader()))
                    .forEach(environment.getPropertySources()::addLast);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LOCATION, e);
        }
    }
}
