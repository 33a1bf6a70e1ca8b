package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.ZipOutputStream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 backend with working secondary indexes: every index a client declares (Axon's
 * event-stream index, the read models' {@code @CompoundIndex}es, JobRunr's) becomes a {@link SortedIndex},
 * every unique index other than {@code _id} gets a sorted side ({@link SortedUniqueIndex}), and
 * collections ({@link IndexedH2Collection}) plan finds, counts and the leading {@code $match} of
 * aggregations over them. Stock 1.47.0 accepts such indexes and ignores them, so every
 * query filters and sorts the whole collection.
 *
 * <p>Data layout is the stock backend's (same MVStore maps, same index descriptions in
 * {@code system.indexes}, same bytes and order in the unique indexes' maps): a data file written by either
 * opens with the other. Documents are written as BSON inside a Java-serialized {@link StoredDocument}
 * ({@link DocumentType}); the stock backend reads them through that class, so it needs this module on its
 * class path, and documents it Java-serialized itself read here as before. Secondary index entries are not stored in it; they are rebuilt from the documents
 * when the file is opened, into a scratch file beside it ({@link IndexStore}). Unique indexes ({@code _id} included) are the stock ones over maps whose keys compare
 * without being serialized on every comparison ({@link PersistentUniqueIndex}, {@link UniqueKeyType}).
 *
 * <p>Coupling: subclasses of {@code H2Backend}, {@code H2Database} and {@code H2Collection} overriding their
 * protected hooks ({@code openOrCreateDatabase}, {@code openOrCreateCollection},
 * {@code openOrCreateSecondaryIndex}, {@code openOrCreateUniqueIndex}, {@code queryDocuments},
 * {@code addIndex}, {@code handleCommand}); the map names mirror {@code H2Database} of 1.47.0. The tests
 * in {@code dev.sandpod.embedded.mongo.index} compare every answer with the stock backend's, so an upgrade
 * that changes these hooks fails there first.
 */
public final class IndexedH2Backend extends H2Backend {

    private static final String DATABASES_PREFIX = "databases.";
    private static final String META_PREFIX = "meta.";
    private static final String INDEX_INFIX = "._index_";

    /**
     * The wire command that takes an online backup ({@link #backup()}): {@code {sandpodBackup: 1}} on any
     * database answers {@code {ok: 1, path: "<data dir>/backups/backup-….zip"}}. The target is chosen here,
     * never by the caller: the port is unauthenticated (loopback only), so it must not become a way to
     * write files elsewhere.
     */
    public static final String BACKUP_COMMAND = "sandpodBackup";

    private final Object backupLock = new Object();
    /** Sees every command's name before it runs and may refuse it by throwing (the disk-space guard). */
    private volatile Consumer<String> commandGuard = command -> {};
    /** Event store writes are answered once committed to the file ({@link DurableWrites}). */
    private final DurableWrites durableWrites;
    /**
     * The sorted indexes' entries ({@link IndexStore}). Opened by {@link #indexStore()} on first use, which comes
     * during {@code H2Backend}'s constructor (it opens the databases of the file) before this class's constructor
     * body: so no initializer here, which would run after that and reset it.
     */
    private IndexStore indexStore;

    public IndexedH2Backend(MVStore store) {
        super(store);
        PageCache.size(store);
        durableWrites = new DurableWrites(store);
        indexStore();
    }

    /** The store of the sorted indexes' entries, beside the data file (in memory for an in-memory store). */
    synchronized IndexStore indexStore() {
        if (indexStore == null) {
            MVStore store = getMvStore();
            String fileName =
                    store.getFileStore() == null ? null : store.getFileStore().getFileName();
            indexStore = IndexStore.open(fileName == null ? null : Path.of(fileName));
        }
        return indexStore;
    }

    /** Closes the data file, then the index store (whose scratch file goes). */
    @Override
    public void close() {
        try {
            super.close();
        } finally {
            indexStore().close();
        }
    }

    /**
     * What {@link #open(Path, int)} takes by default. H2's own default, 90, has the store's background
     * writer rewrite every chunk that falls below 90 % live data: with Axon's token documents rewritten on
     * every batch and events appended one per commit, that is a continuous rewrite of pages whose keys and
     * documents are Java-serialized — a fifth of the process's CPU in the store benchmark (issue 9). At 50
     * the file may hold up to about as much garbage as data before chunks are rewritten.
     */
    public static final int DEFAULT_COMPACT_FILL_RATE = 50;

    /** Opens (or creates) the MVStore file; {@code null}: in memory. */
    public static IndexedH2Backend open(Path file) {
        return open(file, DEFAULT_COMPACT_FILL_RATE);
    }

    /**
     * Opens (or creates) the MVStore file ({@code null}: in memory) with the given auto-compaction target
     * (H2's {@code autoCompactFillRate}: percent of live data below which chunks are rewritten; 0: never).
     */
    public static IndexedH2Backend open(Path file, int compactFillRate) {
        return open(file, compactFillRate, true);
    }

    /**
     * As {@link #open(Path, int)}; {@code compress}: pages written from now on are LZF-compressed (H2's
     * {@code compress()}). The event store's JSON payloads repeat their field names: compressed, an event takes about a fifth of the
     * space (issue 20; bench/store prints bytes per event). Compression is a flag per page, so a file may hold
     * both kinds and opens with either setting and with the stock backend.
     */
    public static IndexedH2Backend open(Path file, int compactFillRate, boolean compress) {
        if (file == null) {
            return new IndexedH2Backend(MVStore.open(null));
        }
        MVStore.Builder builder = new MVStore.Builder()
                .fileName(file.toString())
                .autoCompactFillRate(compactFillRate)
                .autoCommitBufferSize(
                        CommitBuffer.kilobytes(Runtime.getRuntime().maxMemory()));
        if (compress) {
            builder.compress();
        }
        MVStore store = builder.open();
        store.setAutoCommitDelay(CommitBuffer.DELAY_MILLIS);
        return new IndexedH2Backend(store);
    }

    /**
     * H2's own online backup of the open file: commits what is in memory, then copies the file into a zip
     * with space reuse switched off for the copy, so H2 only appends chunks meanwhile and the copy holds
     * every chunk up to a consistent version (a chunk still being appended at the end is incomplete, and
     * H2 opening the copy falls back to the last complete one, as after a crash). Writes go on during the
     * copy. The zip (one entry, the data file) goes to {@code backups/} beside the data file.
     */
    public Path backup() {
        MVStore store = getMvStore();
        String fileName =
                store.getFileStore() == null ? null : store.getFileStore().getFileName();
        if (fileName == null) {
            throw new IllegalStateException("An in-memory store has no file to back up");
        }
        synchronized (backupLock) {
            try {
                Path dir = Path.of(fileName).toAbsolutePath().resolveSibling("backups");
                Files.createDirectories(dir);
                String name = "backup-" + Instant.now().toString().replace(':', '-');
                Path part = dir.resolve(name + ".zip.part");
                store.commit();
                try (OutputStream file = Files.newOutputStream(part);
                        ZipOutputStream zip = new ZipOutputStream(file)) {
                    store.getFileStore().backup(zip);
                }
                Path done = dir.resolve(name + ".zip");
                Files.move(part, done, StandardCopyOption.ATOMIC_MOVE);
                return done;
            } catch (IOException e) {
                throw new UncheckedIOException("Online backup of " + fileName + " failed", e);
            }
        }
    }

    /**
     * Every command's name passes {@code guard} before it runs; a {@code MongoServerError} it throws is the
     * command's answer (the embedded server's disk-space guard refuses writes this way).
     */
    public void guardCommands(Consumer<String> guard) {
        this.commandGuard = guard;
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new IndexedDatabase(databaseName);
    }

    /**
     * An inner class on purpose: {@code H2Database}'s constructor already opens the collections (calling
     * {@link #openOrCreateCollection}) before a field of a subclass could be assigned, and the MVStore is
     * private there. The enclosing backend, set before any constructor body runs, provides it.
     */
    final class IndexedDatabase extends H2Database {

        IndexedDatabase(String databaseName) {
            super(databaseName, IndexedH2Backend.this.getMvStore(), IndexedH2Backend.this.getCursorRegistry());
        }

        /** Opening a data file: the collections' index builds share one pass over each collection. */
        @Override
        protected void initializeNamespacesAndIndexes() {
            IndexedH2Collection.deferBuilds();
            try {
                super.initializeNamespacesAndIndexes();
            } finally {
                IndexedH2Collection.buildDeferred();
            }
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String fullName = getFullCollectionNamespace(collectionName);
            MVStore store = IndexedH2Backend.this.getMvStore();
            return new IndexedH2Collection(
                    this,
                    collectionName,
                    options,
                    openDataMap(store, DATABASES_PREFIX + fullName),
                    store.openMap(META_PREFIX + fullName),
                    cursorRegistry);
        }

        /** A collection's documents, written as BSON ({@link DocumentType}); old Java-serialized ones still read. */
        private static MVMap<Object, Document> openDataMap(MVStore store, String name) {
            MVMap<Object, Document> map =
                    store.openMap(name, new MVMap.Builder<Object, Document>().valueType(new DocumentType()));
            if (!((Object) map.getValueType() instanceof DocumentType)) {
                throw new IllegalStateException("data map " + name + " is already open with value type "
                        + map.getValueType().getClass().getName());
            }
            return map;
        }

        @Override
        protected Index<Object> openOrCreateSecondaryIndex(
                String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            return new SortedIndex(indexName, keys, sparse, indexStore());
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(
                String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            // The stock map and entries, keys compared without serializing them each time (UniqueKeyType).
            Index<Object> unique = PersistentUniqueIndex.open(
                    IndexedH2Backend.this.getMvStore(),
                    getFullCollectionNamespace(collectionName) + INDEX_INFIX + indexName,
                    indexName,
                    keys,
                    sparse);
            if (keys.size() == 1 && keys.get(0).getKey().equals("_id")) {
                return unique;
            }
            return new SortedUniqueIndex(unique, new SortedIndex(indexName, keys, sparse, indexStore()), sparse);
        }

        @Override
        public Document handleCommand(
                Channel channel, String command, Document query, DatabaseResolver databaseResolver, Oplog oplog) {
            commandGuard.accept(command);
            if (command.equals(BACKUP_COMMAND)) {
                Document response = new Document("path", backup().toString());
                response.put("ok", 1.0);
                return response;
            }
            if (command.equalsIgnoreCase("aggregate")) {
                Document response = aggregate(query.get(command), query, databaseResolver, oplog);
                if (response != null) {
                    return response;
                }
            }
            if (!DurableWrites.isEventStoreWrite(command, query.get(command))) {
                return super.handleCommand(channel, command, query, databaseResolver, oplog);
            }
            try {
                return super.handleCommand(channel, command, query, databaseResolver, oplog);
            } finally {
                // Also after a failed write: an ordered insert that failed half-way answers the part it wrote.
                durableWrites.awaitStored();
            }
        }

        /**
         * An aggregation whose first stage is a {@code $match} reads the documents through the collection's
         * planner instead of all of them ({@code countDocuments} is such a pipeline, and Spring Data's
         * {@code count} uses it); null leaves any other pipeline to the server.
         */
        private Document aggregate(
                Object collectionName, Document query, DatabaseResolver databaseResolver, Oplog oplog) {
            if (!(collectionName instanceof String name)
                    || !(resolveCollection(name, false) instanceof IndexedH2Collection collection)) {
                return null;
            }
            List<Document> pipeline = Aggregation.parse(query.get("pipeline"));
            if (pipeline.isEmpty()
                    || pipeline.get(0).size() != 1
                    || !(pipeline.get(0).get("$match") instanceof Document match)) {
                return null;
            }
            List<Document> rest = pipeline.subList(1, pipeline.size());
            for (Document stage : rest) {
                if (stage.containsKey("$changeStream") || stage.containsKey("$out") || stage.containsKey("$merge")) {
                    return null;
                }
            }
            IndexedH2Collection.MatchSource source = collection.matchSource(match, CountingPipeline.countsOnly(rest));
            List<Document> result;
            if (source.documents() == null) {
                result = CountingPipeline.answer(rest, source.count());
            } else {
                Aggregation aggregation = Aggregation.fromPipeline(rest, databaseResolver, this, collection, oplog);
                aggregation.validate(query);
                result = aggregation.runStages(source.documents().stream());
            }
            Document cursor = new Document("id", 0L);
            cursor.put("ns", collection.getFullName());
            cursor.put("firstBatch", result);
            Document response = new Document("cursor", cursor);
            response.put("ok", 1.0);
            return response;
        }
    }
}
