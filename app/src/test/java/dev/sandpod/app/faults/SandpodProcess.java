package dev.sandpod.app.faults;

import static org.awaitility.Awaitility.await;

import dev.sandpod.app.SandpodApplication;
import dev.sandpod.app.journey.ApiSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Sandpod as an operator runs it: its own JVM on a data directory and a port, started and killed from outside. */
final class SandpodProcess implements AutoCloseable {

    private final ChildJvm jvm;
    private final int port;

    private SandpodProcess(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    /** Starts it and returns once it answers ready (event store and Kafka reachable). */
    static SandpodProcess start(Path dataDir, Path log, List<String> extraArgs) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--sandpod.data-dir=" + dataDir,
                "--sandpod.security.bcrypt.cost=4",
                "--sandpod.rate-limit.enabled=false"));
        args.addAll(extraArgs);
        ChildJvm jvm = ChildJvm.start("sandpod", log, "512m", List.of(), SandpodApplication.class.getName(), args);
        SandpodProcess app = new SandpodProcess(jvm, port);
        try {
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .failFast("the app exited", () -> !jvm.isAlive())
                    .until(() -> ApiSession.anonymous(port, "GET", "/api/v1/health/ready", null)
                                    .status()
                            == 200);
        } catch (RuntimeException | Error e) {
            String tail = jvm.tail();
            jvm.close();
            throw new AssertionError("Sandpod did not become ready; " + tail, e);
        }
        return app;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    ChildJvm jvm() {
        return jvm;
    }

    @Override
    public void close() {
        jvm.close();
    }
}
