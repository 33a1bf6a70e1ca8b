package dev.sandpod.embedded.mongo;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mongo-wire server on its own, as a process: {@code StandaloneMongoServer DIR PORT [HOST]}. It stands in for
 * MongoDB in {@code ./sandpod cluster} and the multi-process test, where several Sandpod instances share one store;
 * the data stays in {@code DIR/sandpod.mv}. Runs until the process is ended (SIGTERM closes the file cleanly).
 */
public final class StandaloneMongoServer {

    private static final Logger log = LoggerFactory.getLogger(StandaloneMongoServer.class);

    private StandaloneMongoServer() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: StandaloneMongoServer DIR PORT");
        }
        EmbeddedMongoServer server = EmbeddedMongoServer.start(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        log.info("Mongo-wire server listening at {} (data in {})", server.uri(), args[0]);
        stopped.await();
    }
}
