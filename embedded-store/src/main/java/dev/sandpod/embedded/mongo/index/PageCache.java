package dev.sandpod.embedded.mongo.index;

import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;

/**
 * How much of the heap the MVStore may keep as its cache of read pages: an eighth of the maximum heap, never less
 * than H2's default (16 MB), at most 512 MB.
 *
 * <p>Every page the cache misses is read from the file and its documents and keys Java-deserialized, and every
 * insert into a map keyed by random ids (the {@code _id} index of frames and events, a unique index on an
 * execution id) lands on a random leaf page. With H2's 16 MB a rebuild of the executions read model over 100 000
 * events spent a quarter of its samples reading such pages back (bench/operations, JFR), evicted by the event
 * store's own pages that the same rebuild reads in order.
 */
final class PageCache {

    static final int MIN_MB = 16;
    static final int MAX_MB = 512;

    private PageCache() {}

    /**
     * Sizes the cache of a store on a file (an in-memory store has none). Through the file store: H2 2.3's
     * {@code MVStore.setCacheSize} takes kilobytes, not the megabytes its getter answers.
     */
    static void size(MVStore store) {
        FileStore<?> file = store.getFileStore();
        if (file != null) {
            file.setCacheSize(
                    megabytes(file.getCacheSize(), Runtime.getRuntime().maxMemory()));
        }
    }

    /** The cache size in MB for a JVM whose maximum heap is {@code maxHeapBytes}, never below {@code current}. */
    static int megabytes(int current, long maxHeapBytes) {
        long eighth = maxHeapBytes / 8 / (1024 * 1024);
        return (int) Math.max(Math.max(current, MIN_MB), Math.min(MAX_MB, eighth));
    }
}
