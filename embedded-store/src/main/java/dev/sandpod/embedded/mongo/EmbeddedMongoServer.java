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
    /** How often the data file is checked for online compaction ({@link StoreCompactor}). */
    public static final long DEFAULT_COMPACT_PERIOD_MILLIS = 60_000;
    /** At most this long per compaction pass; the next check goes on where it stopped. */
    static final long MAX_COMPACT_PASS_MILLIS = 60_000;

    private final MongoServer server;
    private final InetSocketAddress address;
    private final Path file;
    private final StoreCompactor compactor;

    private EmbeddedMongoServer(MongoServer server, InetSocketAddress address, Path file, StoreCompactor compactor) {
        this.server = server;
        this.address = address;
        this.file = file;
        this.compactor = compactor;
    }

    private static void closeQuietly(StoreCompactor compactor) {
        if (compactor != null) {
            compactor.close();
        }
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
        return start(dir, port, indexed, compactFillRate, true);
    }

    /** {@code compress}: see {@link IndexedH2Backend#open(Path, int, boolean)}; the stock backend never compresses. */
    public static EmbeddedMongoServer start(
            Path dir, int port, boolean indexed, int compactFillRate, boolean compress) {
        return start(
                dir,
                port,
                indexed,
                compactFillRate,
                compress,
                DiskSpaceGuard.DEFAULT_MIN_FREE_BYTES,
                DEFAULT_COMPACT_PERIOD_MILLIS);
    }

    /**
     * {@code minFreeBytes}: writes are refused while the data directory's file system has less free space
     * ({@link DiskSpaceGuard}); {@code compactPeriodMillis}: how often the data file is checked for online
     * compaction ({@link StoreCompactor}; 0: never). Both for the indexed backend only.
     */
    public static EmbeddedMongoServer start(
            Path dir,
            int port,
            boolean indexed,
            int compactFillRate,
            boolean compress,
            long minFreeBytes,
            long compactPeriodMillis) {
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded Mongo data directory " + dir, e);
        }
        H2Backend backend;
        StoreCompactor compactor = null;
        if (indexed) {
            IndexedH2Backend indexedBackend = IndexedH2Backend.open(file, compactFillRate, compress);
            indexedBackend.guardCommands(DiskSpaceGuard.of(dir, minFreeBytes)::checkCommand);
            compactor = StoreCompactor.start(
                    indexedBackend.getMvStore(), file, compactPeriodMillis, MAX_COMPACT_PASS_MILLIS);
            backend = indexedBackend;
        } else {
            backend = new H2Backend(file.toString());
        }
        // 5.0 is the newest wire version the Mongo driver 5.5 and mongo-java-server agree on.
        backend.version(ServerVersion.MONGO_5_0);
        MongoServer server = new MongoServer(backend);
        try {
            server.bind(HOST, port);
        } catch (RuntimeException e) {
            // bind failed after the MVStore was opened: release its file lock before giving up.
            closeQuietly(compactor);
            server.shutdownNow();
            throw e;
        }
        InetSocketAddress bound = server.getLocalAddress();
        try {
            Files.writeString(dir.resolve(PORT_FILE_NAME), Integer.toString(bound.getPort()));
        } catch (IOException e) {
            closeQuietly(compactor);
            server.shutdownNow();
            throw new UncheckedIOException("Cannot write " + dir.resolve(PORT_FILE_NAME), e);
        }
        return new EmbeddedMongoServer(server, bound, file, compactor);
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
        closeQuietly(compactor);
        server.shutdownNow();
        try {
            Files.deleteIfExists(file.resolveSibling(PORT_FILE_NAME));
        } catch (IOException e) {
            // a stale port file is harmless: the file lock decides whether a server runs
        }
    }
}
