package dev.sandpod.embedded.mongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import dev.sandpod.embedded.mongo.index.IndexedH2Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The in-process Mongo-wire server: mongo-java-server over an H2 MVStore file, so data survives a restart.
 * By default with {@link IndexedH2Backend}, whose secondary indexes serve queries (the stock backend
 * ignores them); {@code indexed = false} runs the stock backend on the same file format.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    public static final String DATABASE = "sandpod";
    /** The data file's name in the data directory. */
    public static final String FILE_NAME = "sandpod.mv";
    /**
     * Written beside the data file while the server listens, holding its port: how a backup run from the
     * command line finds the running server. Stale after a kill; the file lock, not this file, tells
     * whether a server has the data file open.
     */
    public static final String PORT_FILE_NAME = "mongo-wire.port";

    private static final String HOST = "127.0.0.1";

    private final MongoServer server;
    private final InetSocketAddress address;
    private final Path file;

    private EmbeddedMongoServer(MongoServer server, InetSocketAddress address, Path file) {
        this.server = server;
        this.address = address;
        this.file = file;
    }

    /** Opens (or creates) {@code <dir>/sandpod.mv} and listens on 127.0.0.1; port 0 picks a free one. */
    public static EmbeddedMongoServer start(Path dir, int port) {
        return start(dir, port, true);
    }

    public static EmbeddedMongoServer start(Path dir, int port, boolean indexed) {
        return start(dir, port, indexed, IndexedH2Backend.DEFAULT_COMPACT_FILL_RATE);
    }

    /** {@code compactFillRate}: see {@link IndexedH2Backend#open(Path, int)}; the stock backend keeps H2's default. */
    public static EmbeddedMongoServer start(Path dir, int port, boolean indexed, int compactFillRate) {
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded Mongo data directory " + dir, e);
        }
        H2Backend backend = indexed ? IndexedH2Backend.open(file, compactFillRate) : new H2Backend(file.toString());
        // 5.0 is the newest wire version the Mongo driver 5.5 and mongo-java-server agree on.
        backend.version(ServerVersion.MONGO_5_0);
        MongoServer server = new MongoServer(backend);
        try {
            server.bind(HOST, port);
        } catch (RuntimeException e) {
            // bind failed after the MVStore was opened: release its file lock before giving up.
            server.shutdownNow();
            throw e;
        }
        InetSocketAddress bound = server.getLocalAddress();
        try {
            Files.writeString(dir.resolve(PORT_FILE_NAME), Integer.toString(bound.getPort()));
        } catch (IOException e) {
            server.shutdownNow();
            throw new UncheckedIOException("Cannot write " + dir.resolve(PORT_FILE_NAME), e);
        }
        return new EmbeddedMongoServer(server, bound, file);
    }

    public String uri() {
        return "mongodb://" + HOST + ":" + address.getPort() + "/" + DATABASE;
    }

    public InetSocketAddress address() {
        return address;
    }

    public Path file() {
        return file;
    }

    /** Closes the client connections and the backend, which commits and unlocks the MVStore file. */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            Files.deleteIfExists(file.resolveSibling(PORT_FILE_NAME));
        } catch (IOException e) {
            // a stale port file is harmless: the file lock decides whether a server runs
        }
    }
}
