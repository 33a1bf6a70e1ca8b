package dev.sandpod.app.axon;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/** Axon persistence wiring on the embedded default, without the rest of the application. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({AxonSerializationConfiguration.class, AxonMongoConfiguration.class, EmbeddedMongoJobRunrConfiguration.class})
class AxonTestApplication {

    static ConfigurableApplicationContext start(Path dataDir, Class<?>... components) {
        Class<?>[] sources = Stream.concat(Stream.of(AxonTestApplication.class), Stream.of(components)).toArray(Class<?>[]::new);
        return new SpringApplicationBuilder(sources).web(WebApplicationType.NONE).run("--sandpod.data-dir=" + dataDir);
    }
}
