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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process Mongo-wire server: mongo-java-server over an H2 MVStore file, so data survives a restart.
 * By default with {@link IndexedH2Backend}, whose secondary indexes serve queries (the stock backend
 * ignores them); {@code indexed = false} runs the stock backend on the same file format.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoServer.class);

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

    private final Path dir;
    private final InetSocketAddress address;
    private final Path file;
    private final Options options;
    private final StoreWatchdog watchdog;
    /** Called after each reopening ({@link #onReopen}). */
    private final List<Runnable> reopenListeners = new CopyOnWriteArrayList<>();

    private volatile Running running;
    private volatile boolean closed;

    /** How the server was started: what a reopen after a store failure starts again. */
    private record Options(
            boolean indexed, int compactFillRate, boolean compress, long minFreeBytes, long compactPeriodMillis) {}

    /** The server on one opening of the data file. */
    private record Running(MongoServer server, H2Backend backend, StoreCompactor compactor) {

        void close() {
            closeQuietly(compactor);
            MVStore store = backend.getMvStore();
            if (store.getPanicException() != null && !store.isClosed()) {
                // H2 2.3's close() of a store in panic commits first, meets the panic and never returns.
                store.closeImmediately();
            }
            server.shutdownNow();
        }
    }

    private EmbeddedMongoServer(Path dir, Path file, Options options, Running running) {
        this.dir = dir;
        this.file = file;
        this.options = options;
        this.running = running;
        this.address = running.server().getLocalAddress();
        this.watchdog = StoreWatchdog.start(this::reopenIfClosedByH2, StoreWatchdog.DEFAULT_PERIOD_MILLIS);
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
        Options options = new Options(indexed, compactFillRate, compress, minFreeBytes, compactPeriodMillis);
        Running running = open(dir, file, port, options);
        InetSocketAddress bound = running.server().getLocalAddress();
        try {
            Files.writeString(dir.resolve(PORT_FILE_NAME), Integer.toString(bound.getPort()));
        } catch (IOException e) {
            running.close();
            throw new UncheckedIOException("Cannot write " + dir.resolve(PORT_FILE_NAME), e);
        }
        return new EmbeddedMongoServer(dir, file, options, running);
    }

    private static Running open(Path dir, Path file, int port, Options options) {
        H2Backend backend;
        StoreCompactor compactor = null;
        if (options.indexed()) {
            IndexedH2Backend indexedBackend =
                    IndexedH2Backend.open(file, options.compactFillRate(), options.compress());
            indexedBackend.guardCommands(DiskSpaceGuard.of(dir, options.minFreeBytes())::checkCommand);
            compactor = StoreCompactor.start(
                    indexedBackend.getMvStore(), file, options.compactPeriodMillis(), MAX_COMPACT_PASS_MILLIS);
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
        return new Running(server, backend, compactor);
    }

    /**
     * H2 closes its store for good after an error it cannot recover from in place ("panic": a background
     * write that ran out of heap or disk, a corrupt page read); every command then fails with
     * {@code This store is closed} until the process restarts. Called by the {@link StoreWatchdog}: when the
     * store was closed by H2 and not by {@link #close()}, the server stops listening at once (clients see an
     * unreachable store, which the app answers with 503 and waits out, see docs/architecture.md "Reliability"),
     * the file is opened again (H2 goes back to its last complete version, as after a crash; the writes of the
     * last moments before the error may be lost) and the server listens on the same port again. Should the
     * file not open, the server stays down (so readiness reports the store down) and the next check tries again.
     *
     * @return true when it reopened the store
     */
    synchronized boolean reopenIfClosedByH2() {
        Running current = running;
        if (closed) {
            return false;
        }
        if (current != null) {
            MVStore store = current.backend().getMvStore();
            // After a failed background write H2 records the error ("panic") and closes the store at the next
            // operation; either is final for this opening.
            if (!store.isClosed() && store.getPanicException() == null) {
                return false;
            }
            log.error(
                    "The embedded store {} was closed by H2 after an error ({}); reopening it on port {}",
                    file,
                    store.getPanicException() == null
                            ? "no cause recorded"
                            : store.getPanicException().toString(),
                    address.getPort());
            running = null;
            try {
                current.close();
            } catch (RuntimeException e) {
                log.warn("Closing the failed embedded store {}: {}", file, e.toString());
            }
        }
        long start = System.nanoTime();
        try {
            running = open(dir, file, address.getPort(), options);
        } catch (RuntimeException e) {
            log.error("Reopening the embedded store {} failed, trying again: {}", file, e.toString());
            return false;
        }
        log.warn(
                "Reopened the embedded store {} on port {} in {} ms",
                file,
                address.getPort(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        for (Runnable listener : reopenListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.error("A listener of the store's reopening failed", e);
            }
        }
        return true;
    }

    /**
     * Runs {@code listener} after each reopening of a store H2 closed after an error. What the store had not
     * committed yet is gone then (read-model and token writes of up to {@code CommitBuffer}'s delay; event-store
     * writes are committed before they are answered), while its clients may still hold state derived from it: an
     * event processor's position, above all, must be read again from the stored tokens.
     */
    public void onReopen(Runnable listener) {
        reopenListeners.add(listener);
    }

    /** The store of the current opening (tests: to make it fail). */
    MVStore mvStore() {
        Running current = running;
        return current == null ? null : current.backend().getMvStore();
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
        synchronized (this) {
            closed = true;
        }
        watchdog.close();
        Running current = running;
        if (current != null) {
            current.close();
        }
        try {
            Files.deleteIfExists(file.resolveSibling(PORT_FILE_NAME));
        } catch (IOException e) {
            // a stale port file is harmless: the file lock decides whether a server runs
        }
    }
}
