package dev.sandpod.app.journey;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * The processes of a scale-out topology on this machine, each its own JVM (or redis-server) on free ports, started
 * from this build's classes: a KRaft Kafka broker ({@code kafka.Kafka}), the Mongo-wire server
 * ({@code StandaloneMongoServer}), {@code redis-server}, and Sandpod instances with roles. Each writes its output to
 * {@code target/cluster-test/<name>.log}. What {@code ./sandpod cluster} starts, with ports that cannot clash.
 */
final class ClusterProcesses implements AutoCloseable {

    /** One started process. */
    static final class Member {
        final String name;
        final List<String> command;
        final Map<String, String> env;
        final Path log;
        Process process;

        private Member(String name, List<String> command, Map<String, String> env, Path log) {
            this.name = name;
            this.command = command;
            this.env = env;
            this.log = log;
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        /** SIGKILL, as a crash: nothing runs on the way out. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** SIGTERM, then SIGKILL after 30 s. */
        void stop() throws InterruptedException {
            if (process == null) {
                return;
            }
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                kill9();
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    /** infra/cluster/logback-member.xml, found from the app module's directory (Maven's working directory). */
    private static final String LOGBACK = Path.of("..", "infra", "cluster", "logback-member.xml")
            .toAbsolutePath()
            .normalize()
            .toString();

    private final Path dir;
    private final String classpath;
    private final List<Member> members = new ArrayList<>();

    ClusterProcesses(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.classpath = runtimeClasspath();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> members.forEach(m -> {
                    if (m.process != null) {
                        m.process.destroyForcibly();
                    }
                })));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    Member member(String name) {
        return members.stream().filter(m -> m.name.equals(name)).findFirst().orElseThrow();
    }

    /** A KRaft broker+controller, formatted first; returns its bootstrap address. */
    String kafka(int port, int controllerPort) throws Exception {
        Path kafkaDir = dir.resolve("kafka");
        Files.createDirectories(kafkaDir);
        Path properties = kafkaDir.resolve("server.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                        "controller.listener.names=CONTROLLER",
                        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "inter.broker.listener.name=PLAINTEXT",
                        "log.dirs=" + kafkaDir.resolve("logs"),
                        "num.partitions=4",
                        "offsets.topic.replication.factor=1",
                        "offsets.topic.num.partitions=4",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "group.initial.rebalance.delay.ms=0",
                        "message.max.bytes=10485760",
                        ""));
        Member format = member(
                "kafka-format",
                java(
                        "128m",
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        org.apache.kafka.common.Uuid.randomUuid().toString(),
                        "-c",
                        properties.toString()),
                Map.of());
        start(format);
        if (format.process.waitFor() != 0) {
            throw new IllegalStateException("formatting Kafka's storage failed:\n" + format.logTail());
        }
        start(member("kafka", java("384m", "kafka.Kafka", properties.toString()), Map.of()));
        return "127.0.0.1:" + port;
    }

    String mongo(int port) throws IOException {
        start(member(
                "mongo",
                java(
                        "256m",
                        "dev.sandpod.embedded.mongo.StandaloneMongoServer",
                        dir.resolve("mongo").toString(),
                        "" + port),
                Map.of()));
        return "mongodb://127.0.0.1:" + port + "/sandpod";
    }

    String redis(int port) throws IOException {
        start(member(
                "redis",
                List.of("redis-server", "--bind", "127.0.0.1", "--port", "" + port, "--save", "", "--appendonly", "no"),
                Map.of()));
        return "redis://127.0.0.1:" + port;
    }

    /** A Sandpod instance (not yet started): the application with these roles on this port. */
    Member instance(String name, String roles, int port, Map<String, String> stores) {
        Map<String, String> env = new java.util.HashMap<>(stores);
        env.put("SERVER_PORT", "" + port);
        env.put("SANDPOD_ROLES", roles);
        env.put("SANDPOD_DATA_DIR", dir.resolve(name).toString());
        env.put("LOGGING_THRESHOLD_CONSOLE", "INFO");
        List<String> command = new ArrayList<>(java(
                roles.equals("executor") ? "256m" : "384m",
                "dev.sandpod.app.SandpodApplication",
                "--sandpod.security.bcrypt.cost=4"));
        command.add(1, "-Djdk.lang.Process.launchMechanism=VFORK");
        return member(name, command, env);
    }

    void start(Member member) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(member.command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(member.log.toFile()));
        builder.environment().putAll(member.env);
        member.process = builder.start();
        if (!members.contains(member)) {
            members.add(member);
        }
    }

    /** Waits until the member answers {@code /api/v1/health/ready} with 200; fails at once if it exits. */
    void awaitReady(Member member, int port) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/health/ready"))
                .timeout(Duration.ofSeconds(10))
                .build();
        // Three JVMs and a broker starting on a busy two-core machine: minutes, not seconds.
        await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    if (!member.alive()) {
                        throw new IllegalStateException(member.name + " exited:\n" + member.logTail());
                    }
                    try {
                        return http.send(ready, HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    void awaitListening(Member member, int port) {
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!member.alive()) {
                        throw new IllegalStateException(member.name + " exited:\n" + member.logTail());
                    }
                    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** Stops every member still running, newest first (instances before the stores they use). */
    @Override
    public void close() throws InterruptedException {
        for (int i = members.size() - 1; i >= 0; i--) {
            members.get(i).stop();
        }
    }

    private Member member(String name, List<String> command, Map<String, String> env) {
        return new Member(name, command, env, dir.resolve(name + ".log"));
    }

    private List<String> java(String heap, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Daxoniq.update-checker.disabled=true",
                // the brokers' and servers' own logging (plain logback logs everything at DEBUG); Spring Boot
                // instances configure theirs and ignore this
                "-Dlogback.configurationFile=" + LOGBACK,
                "-cp",
                classpath,
                mainClass));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /**
     * This build's main classes and runtime libraries: the test JVM's class path (through Surefire's manifest-only
     * jar when it uses one) without the test classes, so an instance runs as the jar would.
     */
    private static String runtimeClasspath() throws IOException {
        List<String> entries = new ArrayList<>(
                Arrays.asList(System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
        if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
            try (JarFile jar = new JarFile(entries.get(0))) {
                String manifestPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (manifestPath != null) {
                    entries = Arrays.stream(manifestPath.trim().split("\\s+"))
                            .map(url -> Path.of(URI.create(url)).toString())
                            .collect(Collectors.toCollection(ArrayList::new));
                }
            }
        }
        return entries.stream()
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }
}
