package dev.sandpod.embedded.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node KRaft broker (broker and controller in one) run from the broker classes of kafka_2.13,
 * in this JVM. Spring's EmbeddedKafka is test-scoped and not for production code, hence this class.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    // A finished run report carries up to 2 x max_output_bytes; the app's producers allow 10 MiB.
    private static final String MAX_MESSAGE_BYTES = "10485760";

    private final KafkaRaftServer server;
    private final int port;
    private final int controllerPort;
    private final Path logDir;
    private final boolean formatted;

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port, int controllerPort, Path logDir, boolean formatted) {
        this.server = server;
        this.port = port;
        this.controllerPort = controllerPort;
        this.logDir = logDir;
        this.formatted = formatted;
    }

    /**
     * Formats {@code logDir} the first time (KRaft keeps node id and cluster id in meta.properties) and
     * starts the broker; returns once the broker is unfenced and accepts clients. Ports are not stored:
     * with a static single-voter quorum the controller address comes from the config on every start, so
     * a restart on other ports finds its data again.
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, int controllerPort) {
        KafkaConfig config = new KafkaConfig(properties(logDir, port, controllerPort), false);
        // Formatting again, even with ignoreFormatted, fails: it checks the stored cluster id against a new one.
        boolean fresh = !Files.exists(logDir.resolve("meta.properties"));
        if (fresh) {
            format(logDir);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            // A half-started broker still holds the log dir lock and its sockets.
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        return new EmbeddedKafkaBroker(server, port, controllerPort, logDir, fresh);
    }

    private static void format(Path logDir) {
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the Kafka log directory " + logDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format the Kafka log directory " + logDir, e);
        }
    }

    private static Properties properties(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put(
                "listeners",
                BROKER_LISTENER + "://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
                        + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", logDir.toString());
        p.put("auto.create.topics.enable", "true");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        // One node: 50 partitions per internal topic only slow down the first consumer group / transaction.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", MAX_MESSAGE_BYTES);
        p.put("replica.fetch.max.bytes", MAX_MESSAGE_BYTES);
        // The cleaner allocates this buffer on the heap it shares with the app (default 128 MiB); only
        // the compacted __consumer_offsets needs it here.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        idleQuiet(p);
        return p;
    }

    /**
     * Settings that keep an idle broker from waking the machine (docs/architecture.md, "CPU per run", Idle). Each
     * request handler and network thread polls its queue every 300 ms whether or not a request came: Kafka's 8
     * handlers and 3 network threads per listener (broker and controller) woke 81 times a second at rest. One
     * machine's loopback clients need 2 handlers and 1 network thread per listener (a long-polled empty fetch
     * waits in the purgatory, not in a handler). The active controller also appended a no-op record to the
     * metadata log every 500 ms (raft append, flush, and every metadata listener woken), which only tells other
     * controllers and brokers that it is alive: there are none here, so it is off (0).
     */
    private static void idleQuiet(Properties p) {
        p.put("num.io.threads", "2");
        p.put("num.network.threads", "1");
        p.put("metadata.max.idle.interval.ms", "0");
    }

    /** Picks {@code count} distinct loopback ports that are free right now (they are bound later). */
    public static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port for the embedded Kafka broker", e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // the port is only probed
                    }
                }
            }
        }
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path logDir() {
        return logDir;
    }

    public boolean freshlyFormatted() {
        return formatted;
    }

    /** Shuts broker and controller down and waits, so the log dir lock is released when this returns. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
