package dev.sandpod.app.roles;

import dev.sandpod.app.KafkaTopicsConfiguration;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.codec.CodecsAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.HttpHandlerAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.ReactiveWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.WebFluxAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.error.ErrorWebFluxAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Import;

/**
 * The application of an instance whose only role is {@code executor} ({@code SANDPOD_ROLES=executor}): it consumes
 * run requests from Kafka, runs them and produces the reports, and answers health on its port. Nothing else is
 * configured — the auto-configurations are listed, not discovered, so no Mongo client, Axon event store, JobRunr,
 * Redis client or security chain can start here, whatever the classpath holds. It needs only Kafka
 * ({@code SANDPOD_KAFKA_BOOTSTRAP_SERVERS}).
 */
@SpringBootConfiguration
@ImportAutoConfiguration({
    PropertyPlaceholderAutoConfiguration.class,
    ConfigurationPropertiesAutoConfiguration.class,
    LifecycleAutoConfiguration.class,
    JacksonAutoConfiguration.class,
    SslAutoConfiguration.class,
    KafkaAutoConfiguration.class,
    CodecsAutoConfiguration.class,
    ReactiveWebServerFactoryAutoConfiguration.class,
    HttpHandlerAutoConfiguration.class,
    WebFluxAutoConfiguration.class,
    ErrorWebFluxAutoConfiguration.class
})
@ComponentScan("dev.sandpod.executor")
@Import({KafkaTopicsConfiguration.class, ExecutorHealthController.class})
@ConfigurationPropertiesScan("dev.sandpod.executor")
@ConditionalOnProperty(ExecutorOnlyApplication.MARKER)
public class ExecutorOnlyApplication {

    /**
     * Set only when this class is the application: the full application's component scan finds this class too,
     * and must skip it.
     */
    static final String MARKER = "sandpod.internal.executor-only-application";

    public static ConfigurableApplicationContext run(String[] args) {
        SpringApplication application = new SpringApplication(ExecutorOnlyApplication.class);
        application.setDefaultProperties(Map.of(MARKER, "true"));
        return application.run(args);
    }
}
