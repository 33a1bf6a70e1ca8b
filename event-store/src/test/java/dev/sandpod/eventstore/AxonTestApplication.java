package dev.sandpod.eventstore;

import dev.sandpod.embedded.mongo.EmbeddedMongoServer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * Axon persistence wiring on the embedded default, without the rest of the application: the Mongo-wire
 * server the application embeds (indexed backend, {@code <dataDir>/mongo}, so a second start finds the
 * data of the first), started here as the application's embedded-infrastructure post-processor starts
 * it, and stopped after every bean of the context, as there. The settings of the application these tests
 * rely on are in this module's test {@code application.yml}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({AxonSerializationConfiguration.class, AxonMongoConfiguration.class, EmbeddedMongoJobRunrConfiguration.class})
class AxonTestApplication {

    private static final String SERVER_BEAN = "axonTestMongoServer";

    static ConfigurableApplicationContext start(Path dataDir, Class<?>... components) {
        Class<?>[] sources = Stream.concat(Stream.of(AxonTestApplication.class), Stream.of(components))
                .toArray(Class<?>[]::new);
        EmbeddedMongoServer mongo = EmbeddedMongoServer.start(dataDir.resolve("mongo"), 0);
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                mongo.close();
            }
        };
        try {
            return new SpringApplicationBuilder(sources)
                    .web(WebApplicationType.NONE)
                    // Registered before any bean exists, so destroyed after all of them.
                    .initializers(context -> ((DefaultSingletonBeanRegistry) context.getBeanFactory())
                            .registerDisposableBean(SERVER_BEAN, stop::run))
                    .run(
                            "--sandpod.data-dir=" + dataDir,
                            "--spring.data.mongodb.uri=" + mongo.uri(),
                            "--sandpod.embedded.mongo=true",
                            "--jobrunr.database.database-name=" + EmbeddedMongoServer.DATABASE);
        } catch (RuntimeException | Error e) {
            // A context that failed to refresh has destroyed its beans already; one that failed earlier not.
            stop.run();
            throw e;
        }
    }
}
