package dev.sandpod.embedded.mongo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online compaction of the data file, by itself (issue 20). H2's background writer only rewrites chunks
 * below {@code autoCompactFillRate} (50 %: see {@code IndexedH2Backend#DEFAULT_COMPACT_FILL_RATE}), and the
 * file never shrinks while the store is open: Axon's token documents, rewritten on every batch, left a
 * third of the file dead after a replay. Every {@code period} this looks at the share of live data in the
 * file's chunks; below {@link #TRIGGER_FILL_RATE} it rewrites the sparse chunks ({@link MVStore#compact})
 * and moves chunks towards the start so that the file is truncated
 * ({@link RandomAccessStore#compactMoveChunks}), in rounds of at most {@link #WRITE_PER_ROUND} bytes, for at
 * most {@code maxMillis} per pass; writes go on meanwhile.
 *
 * <p>H2 keeps freed chunks for 45 s (its retention time) in case the OS writes buffers out of order; a
 * pass sets it to 0, as H2's own {@code compactFile} does, and restores it afterwards. A pass is skipped
 * while the file system has less free space than the file's size plus a margin: rewriting needs room
 * before it frees any, and the store must never run into a full disk (see {@code DiskSpaceGuard}). During
 * an online backup H2 switches space reuse off and moves no chunks.
 */
public final class StoreCompactor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreCompactor.class);

    /** Below this share of live data in the chunks a pass starts. */
    static final int TRIGGER_FILL_RATE = 75;
    /** The share a pass rewrites towards: chunks below it are rewritten. */
    static final int TARGET_FILL_RATE = 90;

    static final int WRITE_PER_ROUND = 16 << 20;
    /** Smaller files are left alone: the few MB are not worth the CPU. */
    static final long MIN_FILE_BYTES = 16L << 20;

    private final MVStore store;
    private final Path file;
    private final long maxMillis;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closing;

    private StoreCompactor(MVStore store, Path file, long maxMillis, ScheduledExecutorService scheduler) {
        this.store = store;
        this.file = file;
        this.maxMillis = maxMillis;
        this.scheduler = scheduler;
    }

    /** Checks every {@code periodMillis} (first after one period); 0 or less: never (returns a no-op). */
    public static StoreCompactor start(MVStore store, Path file, long periodMillis, long maxMillis) {
        if (periodMillis <= 0) {
            return new StoreCompactor(store, file, maxMillis, null);
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "mongo-wire-compactor");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
        StoreCompactor compactor = new StoreCompactor(store, file, maxMillis, scheduler);
        scheduler.scheduleWithFixedDelay(
                () -> compactor.compactIfSparse(MIN_FILE_BYTES), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return compactor;
    }

    /** One check and, if the file is sparse enough (and not smaller than {@code minFileBytes}), one pass. */
    void compactIfSparse(long minFileBytes) {
        try {
            FileStore<?> fileStore = store.getFileStore();
            if (closing
                    || store.isClosed()
                    || fileStore == null
                    || !(fileStore instanceof RandomAccessStore randomAccess)) {
                return;
            }
            long size = Files.size(file);
            int fill = fileStore.getChunksFillRate();
            // Sparse chunks to rewrite, or free space left between chunks by an earlier pass to move into.
            if (size < minFileBytes || (fill >= TRIGGER_FILL_RATE && fileStore.getFillRate() >= TRIGGER_FILL_RATE)) {
                return;
            }
            long free = Files.getFileStore(file).getUsableSpace();
            if (free < size / 2 + DiskSpaceGuard.DEFAULT_MIN_FREE_BYTES) {
                log.warn(
                        "Not compacting the data file {} ({} MB, {} % live): only {} MB free on its file system",
                        file, size >> 20, fill, free >> 20);
                return;
            }
            compact(randomAccess, size, fill);
        } catch (Exception e) {
            // The store may be closing, or its disk full: the next period tries again.
            log.warn("Compacting the data file {} failed: {}", file, e.toString());
        }
    }

    private void compact(RandomAccessStore fileStore, long sizeBefore, int fillBefore) throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        int retention = store.getRetentionTime();
        store.setRetentionTime(0);
        try {
            // H2's own compactStore (what compactFile runs), with this class's fill rate: rewrite the sparse
            // chunks' live pages, then move chunks into the freed space so that the file's end is cut off.
            // compact() only tries the store's lock: false also means "busy" (the background writer had it).
            int misses = 0;
            while (System.nanoTime() < deadline && !closing && !store.isClosed() && misses < 50) {
                if (!store.compact(TARGET_FILL_RATE, WRITE_PER_ROUND)) {
                    if (fileStore.getChunksFillRate() >= TARGET_FILL_RATE) {
                        break;
                    }
                    misses++;
                    Thread.sleep(20);
                    continue;
                }
                misses = 0;
                // The rewritten pages are only written (and the old chunks freed) by a commit: without one, the
                // next round finds the same sparse chunks, and a quick pass ended with the file larger than before.
                store.commit();
                fileStore.sync();
                fileStore.compactMoveChunks(TARGET_FILL_RATE, WRITE_PER_ROUND, store);
            }
            store.commit();
            fileStore.compactMoveChunks(TARGET_FILL_RATE, Long.MAX_VALUE, store);
            store.commit();
        } finally {
            store.setRetentionTime(retention);
        }
        log.info(
                "Compacted the data file {}: {} MB ({} % live) -> {} MB ({} % live) in {} ms",
                file,
                sizeBefore >> 20,
                fillBefore,
                Files.size(file) >> 20,
                fileStore.getChunksFillRate(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Override
    public void close() {
        closing = true;
        if (scheduler != null) {
            // Not shutdownNow(): interrupting a thread in H2's file I/O closes the file channel (and the store).
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(maxMillis + 10_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
