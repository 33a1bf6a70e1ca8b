package dev.sandpod.embedded.mongo.index;

import java.util.Locale;
import java.util.Set;
import org.h2.mvstore.MVStore;

/**
 * A write is answered only once it is in the data file: after each write command the store commits (a group
 * commit: one commit covers every write made until it starts, and a writer whose change an earlier commit
 * already stored does not commit again).
 *
 * <p>Why: H2 keeps changes in memory and its background writer stores them about once a second, so a kill -9
 * lost the last second of <em>acknowledged</em> writes while everything the process had told the rest of the
 * world in that second stayed: Kafka offsets committed after a run's outcome was "stored", run claims, published
 * run requests. A run could then complete, be lost, and end again as failed. Worse, H2's store takes the maps'
 * roots one after another, so a crash could keep a read model's write and lose the event it was projected from
 * (the kill -9 test saw a run {@code completed} in its read model whose events said failed). Committing before
 * answering closes both: what a client saw acknowledged, and anything derived from it, is in the file. A commit
 * writes to the operating system, not to the disk (no fsync): it survives the process being killed, not a power
 * cut, as with MongoDB's default write concern on a single node without journaling to disk first.
 */
final class DurableWrites {

    /** The wire commands that change data (lower case); reads never wait for a commit. */
    private static final Set<String> WRITES = Set.of(
            "insert",
            "update",
            "delete",
            "findandmodify",
            "bulkwrite",
            "create",
            "createindexes",
            "drop",
            "dropdatabase",
            "dropindexes",
            "renamecollection");

    private final MVStore store;
    private final Object commitLock = new Object();
    /** Every change made in a version below this one is in the file. */
    private long storedBelow;

    DurableWrites(MVStore store) {
        this.store = store;
    }

    static boolean isWrite(String command) {
        return WRITES.contains(command.toLowerCase(Locale.ROOT));
    }

    /** Returns once every change made so far by the calling thread is in the file. */
    void awaitStored() {
        if (store.getFileStore() == null || store.isClosed()) {
            return;
        }
        long mine = store.getCurrentVersion();
        synchronized (commitLock) {
            if (mine < storedBelow) {
                return;
            }
            long version = store.getCurrentVersion();
            store.commit();
            if (store.getCurrentVersion() > version) {
                storedBelow = version + 1;
            }
            // Otherwise nothing was unsaved: the background writer had stored this thread's change already.
        }
    }
}
