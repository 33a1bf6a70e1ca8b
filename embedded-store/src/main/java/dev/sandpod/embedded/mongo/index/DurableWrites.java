package dev.sandpod.embedded.mongo.index;

import java.util.Locale;
import java.util.Set;
import org.h2.mvstore.MVStore;

/**
 * A write to the event store (Axon's {@code domainevents} and {@code snapshotevents} collections) is answered
 * only once it is in the data file: after each such write command the store commits (a group commit: one commit
 * covers every write made until it starts, and a writer whose change an earlier commit already stored does not
 * commit again). Other writes (read models, tokens, sagas, deadlines) are stored by H2's background writer within
 * {@link CommitBuffer#DELAY_MILLIS} (or with the next event-store write): each of them is derived from events and made again from them after a crash (a
 * processor whose token was lost handles the events again, idempotently), so only the events must never be
 * lost once acknowledged. A commit costs a chunk of at least one 4 KB block, so committing every write would
 * multiply the file's churn for nothing.
 *
 * <p>Why: H2 keeps changes in memory and its background writer stores them about once a second, so a kill -9
 * lost the last second of <em>acknowledged</em> writes while everything the process had told the rest of the
 * world in that second stayed: Kafka offsets committed after a run's outcome was "stored", run claims, published
 * run requests. A run could then complete, be lost, and end again as failed. Worse, H2's store takes the maps'
 * roots one after another, so a crash could keep a read model's write and lose the event it was projected from
 * (the kill -9 test saw a run {@code completed} in its read model whose events said failed). Committing events
 * before answering closes both: an acknowledged event is in the file before anything can be derived from it. A commit
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

    /** Axon's event store collections (axon-mongo's default names, which Sandpod keeps). */
    private static final Set<String> EVENT_STORE = Set.of("domainevents", "snapshotevents");

    private final MVStore store;
    private final Object commitLock = new Object();
    /** Every change made in a version below this one is in the file. */
    private long storedBelow;

    DurableWrites(MVStore store) {
        this.store = store;
    }

    /** Whether the command changes the event store; its argument names the collection. */
    static boolean isEventStoreWrite(String command, Object collection) {
        return collection instanceof String name
                && EVENT_STORE.contains(name)
                && WRITES.contains(command.toLowerCase(Locale.ROOT));
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
