package dev.sandpod.app.embedded;

import com.mongodb.ConnectionString;
import dev.sandpod.app.roles.SandpodRoles;
import dev.sandpod.embedded.mongo.DiskSpaceGuard;
import dev.sandpod.embedded.mongo.EmbeddedMongoServer;
import dev.sandpod.embedded.mongo.index.IndexedH2Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Makes Sandpod run with no configuration: unless an external MongoDB / Kafka is configured, starts an
 * in-process Mongo-wire server and Kafka broker under {@code sandpod.data-dir} and points Spring's
 * {@code spring.data.mongodb.uri} / {@code spring.kafka.bootstrap-servers} at them.
 *
 * <p>It has to be an EnvironmentPostProcessor: the addresses must be in the environment before any
 * bean (MongoClient, Kafka factories, JobRunr) reads them, and the ports are only known once started.
 *
 * <p>Inputs: {@code sandpod.mongodb.uri} (SANDPOD_MONGODB_URI), {@code sandpod.kafka.bootstrap-servers}
 * (SANDPOD_KAFKA_BOOTSTRAP_SERVERS), {@code sandpod.data-dir} (SANDPOD_DATA_DIR, default ./data),
 * {@code sandpod.embedded.enabled} (default true), {@code sandpod.embedded.mongo-port},
 * {@code sandpod.embedded.kafka-port}, {@code sandpod.embedded.kafka-controller-port} (0 = a free port),
 * {@code sandpod.embedded.mongo-indexes} (default true: the Mongo-wire server's secondary indexes serve
 * queries; false runs the stock backend, which ignores them), {@code sandpod.embedded.mongo-compress} (default
 * true: pages are written LZF-compressed), {@code sandpod.embedded.mongo-min-free-bytes} (default 32 MB: writes
 * are refused while the data directory's file system has less free space), {@code
 * sandpod.embedded.mongo-compact-period} (default 60 s: how often the data file is checked for online
 * compaction; 0 never), {@code sandpod.embedded.mongo-compact-fill-rate}
 * (default {@link IndexedH2Backend#DEFAULT_COMPACT_FILL_RATE}: percent of live data in the data file below
 * which H2 rewrites chunks, indexed backend only).
 * Outputs: the Spring properties above, {@code axon.kafka.bootstrap-servers}, the absolute
 * {@code sandpod.data-dir}, {@code sandpod.mongodb.database}, {@code jobrunr.database.database-name}
 * (unless set), and the flags {@code sandpod.embedded.mongo} / {@code sandpod.embedded.kafka} telling
 * whether the embedded server runs. An instance whose roles need no store ({@link SandpodRoles#needsStore()}:
 * executor only) gets no Mongo at all and must be given an external Kafka.
 */
public class EmbeddedInfrastructurePostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY_SOURCE_NAME = "sandpodEmbeddedInfrastructure";
    static final String DEFAULT_DATABASE = EmbeddedMongoServer.DATABASE;

    private final DeferredLogFactory logFactory;
    private final Log log;

    public EmbeddedInfrastructurePostProcessor(DeferredLogFactory logFactory) {
        this.logFactory = logFactory;
        this.log = logFactory.getLog(EmbeddedInfrastructurePostProcessor.class);
    }

    @Override
    public int getOrder() {
        // After ConfigDataEnvironmentPostProcessor, so application.yml and profiles are visible.
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
            return;
        }
        boolean enabled = environment.getProperty("sandpod.embedded.enabled", Boolean.class, true);
        Path dataDir = Path.of(environment.getProperty("sandpod.data-dir", "./data"))
                .toAbsolutePath()
                .normalize();
        Map<String, Object> properties = new LinkedHashMap<>();
        // Pinned: a value such as ${java.io.tmpdir}/sandpod-${random.uuid} must resolve once for everyone.
        properties.put("sandpod.data-dir", dataDir.toString());
        EmbeddedInfrastructure infrastructure =
                new EmbeddedInfrastructure(logFactory.getLog(EmbeddedInfrastructure.class));
        SandpodRoles roles = SandpodRoles.parse(environment.getProperty(SandpodRoles.PROPERTY));
        try {
            if (roles.needsStore()) {
                configureMongo(environment, enabled, dataDir, infrastructure, properties);
            } else {
                // An executor-only instance never touches Mongo: nothing to start, nothing to point at.
                properties.put("sandpod.embedded.mongo", false);
            }
            if (roles.executorOnly()
                    && firstText(environment, "sandpod.kafka.bootstrap-servers", "spring.kafka.bootstrap-servers")
                            == null) {
                throw new IllegalStateException("An executor-only instance (" + SandpodRoles.VARIABLE + "=executor) "
                        + "takes its runs from the Kafka of the API instances: set SANDPOD_KAFKA_BOOTSTRAP_SERVERS");
            }
            configureKafka(environment, enabled, dataDir, infrastructure, properties);
        } catch (RuntimeException e) {
            infrastructure.close();
            throw e;
        }
        // First: the addresses of servers started here must win over anything pointing elsewhere.
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
        if (infrastructure.hasServers()) {
            application.addListeners(infrastructure);
        }
    }

    private void configureMongo(
            ConfigurableEnvironment env,
            boolean enabled,
            Path dataDir,
            EmbeddedInfrastructure infrastructure,
            Map<String, Object> properties) {
        String external = firstText(env, "sandpod.mongodb.uri", "spring.data.mongodb.uri");
        String database;
        if (external != null) {
            String uriDatabase = new ConnectionString(external).getDatabase();
            database = uriDatabase != null
                    ? uriDatabase
                    : env.getProperty("spring.data.mongodb.database", DEFAULT_DATABASE);
            properties.put("spring.data.mongodb.uri", external);
            properties.put("spring.data.mongodb.database", database);
            properties.put("sandpod.embedded.mongo", false);
            log.info("Using external MongoDB, database '" + database + "'");
        } else if (enabled) {
            database = DEFAULT_DATABASE;
            int port = env.getProperty("sandpod.embedded.mongo-port", Integer.class, 0);
            boolean indexes = env.getProperty("sandpod.embedded.mongo-indexes", Boolean.class, true);
            int compactFillRate = env.getProperty(
                    "sandpod.embedded.mongo-compact-fill-rate",
                    Integer.class,
                    IndexedH2Backend.DEFAULT_COMPACT_FILL_RATE);
            boolean compress = env.getProperty("sandpod.embedded.mongo-compress", Boolean.class, true);
            long minFreeBytes = env.getProperty(
                    "sandpod.embedded.mongo-min-free-bytes", Long.class, DiskSpaceGuard.DEFAULT_MIN_FREE_BYTES);
            Duration compactPeriod = env.getProperty(
                    "sandpod.embedded.mongo-compact-period",
                    Duration.class,
                    Duration.ofMillis(EmbeddedMongoServer.DEFAULT_COMPACT_PERIOD_MILLIS));
            properties.put(
                    "spring.data.mongodb.uri",
                    infrastructure.startMongo(
                            dataDir.resolve("mongo"),
                            port,
                            indexes,
                            compactFillRate,
                            compress,
                            minFreeBytes,
                            compactPeriod.toMillis()));
            properties.put("sandpod.embedded.mongo", true);
        } else {
            database = env.getProperty("spring.data.mongodb.database", DEFAULT_DATABASE);
            properties.put("spring.data.mongodb.database", database);
            properties.put("sandpod.embedded.mongo", false);
        }
        properties.put("sandpod.mongodb.database", database);
        // JobRunr would otherwise keep its jobs in a separate "jobrunr" database.
        if (!env.containsProperty("jobrunr.database.database-name")) {
            properties.put("jobrunr.database.database-name", database);
        }
    }

    private void configureKafka(
            ConfigurableEnvironment env,
            boolean enabled,
            Path dataDir,
            EmbeddedInfrastructure infrastructure,
            Map<String, Object> properties) {
        String external = firstText(env, "sandpod.kafka.bootstrap-servers", "spring.kafka.bootstrap-servers");
        String bootstrapServers;
        if (external != null) {
            bootstrapServers = external;
            properties.put("sandpod.embedded.kafka", false);
            log.info("Using external Kafka at " + external);
        } else if (enabled) {
            int port = env.getProperty("sandpod.embedded.kafka-port", Integer.class, 0);
            int controllerPort = env.getProperty("sandpod.embedded.kafka-controller-port", Integer.class, 0);
            bootstrapServers = infrastructure.startKafka(dataDir.resolve("kafka"), port, controllerPort);
            properties.put("sandpod.embedded.kafka", true);
        } else {
            properties.put("sandpod.embedded.kafka", false);
            return;
        }
        properties.put("spring.kafka.bootstrap-servers", bootstrapServers);
        properties.put("axon.kafka.bootstrap-servers", bootstrapServers);
    }

    private static String firstText(ConfigurableEnvironment env, String... keys) {
        for (String key : keys) {
            String value = env.getProperty(key);
            if (StringUtils.hasText(value)) {
                return value.trim();
            }
        }
        return null;
    }
}
