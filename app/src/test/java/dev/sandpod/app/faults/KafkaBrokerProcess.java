package dev.sandpod.app.faults;

import static org.awaitility.Awaitility.await;

import dev.sandpod.embedded.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * An Apache Kafka broker (KRaft, one node) in its own JVM, started as {@code kafka-server-start.sh} would
 * ({@code kafka.Kafka server.properties}, after {@code kafka-storage.sh format}); it keeps its ports and log
 * directory across restarts.
 */
final class KafkaBrokerProcess implements AutoCloseable {

    private final Path dir;
    private final Path properties;
    private final int port;
    private ChildJvm jvm;
    private int starts;

    KafkaBrokerProcess(Path dir) {
        this.dir = dir;
        int[] ports = EmbeddedKafkaBroker.freePorts(2);
        this.port = ports[0];
        this.properties = dir.resolve("server.properties");
        try {
            Files.writeString(
                    properties,
                    String.join(
                            "\n",
                            List.of(
                                    "process.roles=broker,controller",
                                    "node.id=1",
                                    "controller.quorum.voters=1@127.0.0.1:" + ports[1],
                                    "listeners=PLAINTEXT://127.0.0.1:" + ports[0] + ",CONTROLLER://127.0.0.1:"
                                            + ports[1],
                                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + ports[0],
                                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                                    "controller.listener.names=CONTROLLER",
                                    "inter.broker.listener.name=PLAINTEXT",
                                    "log.dirs=" + dir.resolve("data"),
                                    "offsets.topic.replication.factor=1",
                                    "offsets.topic.num.partitions=5",
                                    "transaction.state.log.replication.factor=1",
                                    "transaction.state.log.min.isr=1",
                                    "group.initial.rebalance.delay.ms=0",
                                    "message.max.bytes=10485760",
                                    "replica.fetch.max.bytes=10485760",
                                    "log.cleaner.dedupe.buffer.size=16777216",
                                    "")));
            Files.writeString(
                    dir.resolve("logback.xml"),
                    "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\"><encoder>"
                            + "<pattern>%d %-5level %logger{30} - %msg%n</pattern></encoder></appender>"
                            + "<root level=\"WARN\"><appender-ref ref=\"out\"/></root></configuration>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChildJvm format = jvm(
                "kafka-storage format",
                "kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()));
        int status = format.awaitExit(Duration.ofMinutes(2));
        if (status != 0) {
            throw new AssertionError("kafka-storage format failed (" + status + "); " + format.tail());
        }
    }

    private ChildJvm jvm(String name, String mainClass, List<String> args) {
        return ChildJvm.start(
                name,
                dir.resolve(name.replace(' ', '-') + ".log"),
                "384m",
                List.of("-Dlogback.configurationFile=" + dir.resolve("logback.xml")),
                mainClass,
                args);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker and returns once it answers clients. */
    KafkaBrokerProcess start() {
        starts++;
        jvm = jvm("kafka-" + starts, "kafka.Kafka", List.of(properties.toString()));
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (AdminClient client = AdminClient.create(admin)) {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .failFast("the Kafka broker exited", () -> !jvm.isAlive())
                    .until(() -> !client.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty());
        }
        return this;
    }

    /** SIGKILL: the broker crashes; its log is recovered on the next start. */
    void kill9() {
        jvm.kill9();
    }

    @Override
    public void close() {
        if (jvm != null) {
            jvm.close();
        }
    }
}
