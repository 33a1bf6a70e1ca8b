package dev.sandpod.embedded.mongo.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * Where the {@link SortedIndex}es keep their entries: an MVStore of its own, on a scratch file beside the data
 * file ({@code <data file>.indexes}), deleted and made again at every open. The entries are rebuilt from the
 * documents whenever the server opens the data file, so they still cannot disagree with it; what the file adds
 * is that they no longer live on the heap. In a skip list on the heap every stored run added ~105 entries, some
 * 10 KB per run: bench/soak measured the heap after GC growing with the stored data (270 MiB live after 9 000
 * runs at the launcher's 512 MB). In the scratch store only the pages H2 caches ({@link #cacheMegabytes}) and the
 * changes not yet written ({@link #COMMIT_BUFFER_KB}) are on the heap, whatever the number of entries.
 *
 * <p>Nothing here is durable: no commit is awaited, a crash leaves a file that the next open deletes. An in-memory
 * data store gets an in-memory index store (the same maps, on the heap as its documents are).
 */
final class IndexStore implements AutoCloseable {

    /** Suffix of the scratch file's name, after the data file's. */
    static final String SUFFIX = ".indexes";

    /** Changes not yet written to the scratch file that start a write (H2's auto-commit buffer, KB). */
    static final int COMMIT_BUFFER_KB = 4 * 1024;

    static final int MIN_CACHE_MB = 8;
    static final int MAX_CACHE_MB = 64;

    private static final byte[] PRESENT = new byte[0];

    private final MVStore store;
    private final Path file;
    private final AtomicLong maps = new AtomicLong();

    private IndexStore(MVStore store, Path file) {
        this.store = store;
        this.file = file;
    }

    /** The index store of a data file ({@code null}: in memory). */
    static IndexStore open(Path dataFile) {
        if (dataFile == null) {
            return new IndexStore(MVStore.open(null), null);
        }
        Path file = dataFile.resolveSibling(dataFile.getFileName() + SUFFIX);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the old index file " + file, e);
        }
        MVStore store = new MVStore.Builder()
                .fileName(file.toString())
                .cacheSize(cacheMegabytes(Runtime.getRuntime().maxMemory()))
                .autoCommitBufferSize(COMMIT_BUFFER_KB)
                .autoCompactFillRate(50)
                .open();
        return new IndexStore(store, file);
    }

    /** The page cache in MB: a sixteenth of the maximum heap, 8 to 64 MB (32 MB at the launcher's 512 MB). */
    static int cacheMegabytes(long maxHeapBytes) {
        long sixteenth = maxHeapBytes / 16 / (1024 * 1024);
        return (int) Math.max(MIN_CACHE_MB, Math.min(MAX_CACHE_MB, sixteenth));
    }

    /** A new, empty map for one index's entries, in the index's order. */
    MVMap<IndexEntry, byte[]> newMap(int keyCount, Comparator<IndexEntry> order) {
        return store.openMap(
                "index-" + maps.incrementAndGet(),
                new MVMap.Builder<IndexEntry, byte[]>()
                        .keyType(new IndexEntryType(keyCount, order))
                        .valueType(ByteArrayDataType.INSTANCE));
    }

    /** The value of every entry: the entry (its key) is all there is. */
    static byte[] present() {
        return PRESENT;
    }

    void removeMap(MVMap<IndexEntry, byte[]> map) {
        if (!store.isClosed()) {
            store.removeMap(map);
        }
    }

    /** The scratch file; null in memory. */
    Path file() {
        return file;
    }

    MVStore store() {
        return store;
    }

    /** Closes the store without writing what is pending and deletes its file. */
    @Override
    public void close() {
        store.closeImmediately();
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove the index file " + file, e);
            }
        }
    }
}
