package dev.sandpod.embedded.mongo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * <p>The store's retention time (H2's default 45 s) is left as it is. A chunk whose pages a pass rewrote is
 * freed only after it, because a query that began before the rewrite may still read pages from it (a plain
 * MVMap cursor registers no version): a pass that set it to 0, as H2's {@code compactFile} does at close,
 * made concurrent queries fail with {@code Chunk … not found}. So the space a pass frees is moved into and cut
 * off by a later pass (the next check, a period later).
 *
 * <p>Memory: the pages a round rewrites stay on the heap until its commit writes them as one chunk, and a
 * moved chunk is read whole; the output floods of hostile runs store megabyte documents, and 16 MB rounds
 * plus an unbounded final move were part of what ran H2's chunk writer out of a 512 MB heap
 * ({@code OutOfMemoryError: Capacity}, after which H2 closes the store). Rounds and moves are now bounded by
 * {@link #WRITE_PER_ROUND}.
 *
 * <p>{@code compact} only tries the store's lock; when H2's background writer holds it, the round is tried
 * again {@link #BUSY_RETRY_MILLIS} later on the compactor's own scheduler (a pass's rounds run there one after
 * another, between them the other work of the store goes on). A pass is skipped while the file system has less
 * free space than half the file's size plus a margin: rewriting needs room before it frees any, and the store
 * must never run into a full disk (see {@code DiskSpaceGuard}). During an online backup H2 switches space reuse
 * off and moves no chunks.
 */
public final class StoreCompactor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreCompactor.class);

    /** Below this share of live data in the chunks a pass starts. */
    static final int TRIGGER_FILL_RATE = 75;
    /** The share a pass rewrites towards: chunks below it are rewritten. */
    static final int TARGET_FILL_RATE = 90;

    static final int WRITE_PER_ROUND = 4 << 20;
    /** Smaller files are left alone: the few MB are not worth the CPU. */
    static final long MIN_FILE_BYTES = 16L << 20;
    /** How long a round waits when the store's lock was taken (by H2's background writer, mostly). */
    static final long BUSY_RETRY_MILLIS = 20;
    /** A pass gives up after this many busy tries in a row; the next check starts a new one. */
    static final int MAX_BUSY_TRIES = 50;
    /**
     * Changes not yet committed above which the store is taken to be in a burst of writes (a rebuild, a catch-up):
     * no pass starts and a pass under way stops, until the next check. Each round commits, and a commit writes
     * every page changed since the last one: in a rebuild of the executions read model (random keys, nearly every
     * page changed within a second) a pass's back-to-back rounds made that a full rewrite of the model about every
     * second instead of every few seconds, and the chunks it compacted were going dead anyway (bench/operations).
     */
    static final int BURST_UNSAVED_BYTES = WRITE_PER_ROUND;

    private final MVStore store;
    private final Path file;
    private final long maxMillis;
    private final ScheduledThreadPoolExecutor scheduler;
    private volatile boolean closing;
    /** The pass under way, if any: a check does not start a second one. */
    private volatile CompletableFuture<Void> pass = CompletableFuture.completedFuture(null);

    private StoreCompactor(MVStore store, Path file, long maxMillis, ScheduledThreadPoolExecutor scheduler) {
        this.store = store;
        this.file = file;
        this.maxMillis = maxMillis;
        this.scheduler = scheduler;
    }

    /** Checks every {@code periodMillis} (first after one period); 0 or less: only when asked (a test). */
    public static StoreCompactor start(MVStore store, Path file, long periodMillis, long maxMillis) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "mongo-wire-compactor");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
        StoreCompactor compactor = new StoreCompactor(store, file, maxMillis, scheduler);
        if (periodMillis > 0) {
            scheduler.scheduleWithFixedDelay(
                    () -> compactor.compactIfSparse(MIN_FILE_BYTES), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
        return compactor;
    }

    /**
     * One check and, if the file is sparse enough (and not smaller than {@code minFileBytes}), one pass on the
     * compactor's thread; completes when the pass ends (at once when none is needed or one is under way).
     */
    CompletableFuture<Void> compactIfSparse(long minFileBytes) {
        if (!pass.isDone()) {
            return pass;
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        pass = started;
        try {
            scheduler.execute(() -> check(minFileBytes, started));
        } catch (RejectedExecutionException e) {
            started.complete(null);
        }
        return started;
    }

    private void check(long minFileBytes, CompletableFuture<Void> done) {
        try {
            FileStore<?> fileStore = store.getFileStore();
            if (closing
                    || store.isClosed()
                    || fileStore == null
                    || !(fileStore instanceof RandomAccessStore randomAccess)) {
                done.complete(null);
                return;
            }
            if (store.getUnsavedMemory() > BURST_UNSAVED_BYTES) {
                done.complete(null); // a burst of writes: the next check tries again
                return;
            }
            long size = Files.size(file);
            int fill = fileStore.getChunksFillRate();
            // Sparse chunks to rewrite, or free space left between chunks by an earlier pass to move into.
            if (size < minFileBytes || (fill >= TRIGGER_FILL_RATE && fileStore.getFillRate() >= TRIGGER_FILL_RATE)) {
                done.complete(null);
                return;
            }
            long free = Files.getFileStore(file).getUsableSpace();
            if (free < size / 2 + DiskSpaceGuard.DEFAULT_MIN_FREE_BYTES) {
                log.warn(
                        "Not compacting the data file {} ({} MB, {} % live): only {} MB free on its file system",
                        file, size >> 20, fill, free >> 20);
                done.complete(null);
                return;
            }
            new Pass(randomAccess, size, fill, done).round();
        } catch (Exception e) {
            // The store may be closing, or its disk full: the next period tries again.
            log.warn("Compacting the data file {} failed: {}", file, e.toString());
            done.complete(null);
        }
    }

    /** One pass: rounds of rewriting and moving, each a task of the compactor's scheduler. */
    private final class Pass {

        private final RandomAccessStore fileStore;
        private final long sizeBefore;
        private final int fillBefore;
        private final CompletableFuture<Void> done;
        private final long start = System.nanoTime();
        private final long deadline;
        private int busyTries;

        Pass(RandomAccessStore fileStore, long sizeBefore, int fillBefore, CompletableFuture<Void> done) {
            this.fileStore = fileStore;
            this.sizeBefore = sizeBefore;
            this.fillBefore = fillBefore;
            this.done = done;
            this.deadline = start + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        }

        void round() {
            try {
                if (System.nanoTime() >= deadline || closing || store.isClosed()) {
                    finish();
                    return;
                }
                if (store.getUnsavedMemory() > BURST_UNSAVED_BYTES) {
                    // Others wrote more than a round since this pass's last commit: stop without committing.
                    log.info("Compaction of {} paused by a burst of writes; the next check goes on", file);
                    done.complete(null);
                    return;
                }
                // H2's own compactStore (what compactFile runs), with this class's fill rate: rewrite the sparse
                // chunks' live pages, then move chunks into the freed space so that the file's end is cut off.
                if (!store.compact(TARGET_FILL_RATE, WRITE_PER_ROUND)) {
                    if (fileStore.getChunksFillRate() >= TARGET_FILL_RATE || ++busyTries >= MAX_BUSY_TRIES) {
                        finish();
                    } else {
                        scheduler.schedule(this::round, BUSY_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                    }
                    return;
                }
                busyTries = 0;
                // The rewritten pages are only written (and the old chunks freed, after the retention time) by a
                // commit: without one, the next round finds the same sparse chunks.
                store.commit();
                fileStore.sync();
                fileStore.compactMoveChunks(TARGET_FILL_RATE, WRITE_PER_ROUND, store);
                scheduler.execute(this::round);
            } catch (RejectedExecutionException e) {
                done.complete(null); // closing
            } catch (Exception e) {
                log.warn("Compacting the data file {} failed: {}", file, e.toString());
                done.complete(null);
            }
        }

        private void finish() throws Exception {
            if (!closing && !store.isClosed()) {
                store.commit();
                fileStore.compactMoveChunks(TARGET_FILL_RATE, WRITE_PER_ROUND, store);
                store.commit();
            }
            log.info(
                    "Compacted the data file {}: {} MB ({} % live) -> {} MB ({} % live) in {} ms",
                    file,
                    sizeBefore >> 20,
                    fillBefore,
                    Files.size(file) >> 20,
                    fileStore.getChunksFillRate(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            done.complete(null);
        }
    }

    @Override
    public void close() {
        closing = true;
        // Not shutdownNow(): interrupting a thread in H2's file I/O closes the file channel (and the store).
        // A round under way ends the pass (closing); rounds waiting for the lock are dropped.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(maxMillis + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pass.complete(null);
    }
}
