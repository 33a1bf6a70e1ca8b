package dev.sandpod.embedded.mongo.index;

/**
 * How much changed data the MVStore keeps in memory before it writes a new version to the file (H2's
 * {@code autoCommitBufferSize}): an eighth of the maximum heap, never less than H2's own default (19 MB), at most
 * 256 MB; and how long at most (H2's {@code autoCommitDelay}, {@link #DELAY_MILLIS}, H2's default 1 s). An
 * event-store write is stored before it is answered ({@link DurableWrites}, which commits everything changed so
 * far), so these only decide how often a burst of read-model writes without new events (a rebuild, a catch-up)
 * is written out, and how much of it a crash can lose: read models and tokens are made again from the events.
 *
 * <p>Why: every commit writes every page it changed, whole (each document of the page encoded, the page
 * compressed), and the read models' collections are keyed by random ids, so a burst of inserts changes a different
 * page with nearly every document. With H2's 19 MB a rebuild of the executions read model (100 000 frames, 14 000
 * executions) committed about twice a second, each commit rewriting some thousand pages of ~18 documents for a few
 * hundred inserts: page writes were a third of the rebuild's CPU (bench/operations, JFR, {@code Page.write} and its
 * LZF compression). With a larger buffer the same page is changed many times between two commits and written once.
 * The memory is held only while changes wait for their commit; the page cache ({@link PageCache}) is separate.
 */
final class CommitBuffer {

    /** H2's own default, for a heap of 1 GB and more ({@code Utils.scaleForAvailableMemory}). */
    static final int MIN_MB = 19;

    static final int MAX_MB = 256;

    /**
     * The longest a change waits for its commit. At 1 s a rebuild committed every second and rewrote most pages of
     * its collections each time (a page per ~1.5 inserts at 1 500 events/s); at 5 s the same page takes five
     * times the changes per write.
     */
    static final int DELAY_MILLIS = 5_000;

    private CommitBuffer() {}

    /** The buffer in KB (the unit of {@code MVStore.Builder.autoCommitBufferSize}) for the given maximum heap. */
    static int kilobytes(long maxHeapBytes) {
        long eighth = maxHeapBytes / 8 / (1024 * 1024);
        return (int) Math.max(MIN_MB, Math.min(MAX_MB, eighth)) * 1024;
    }
}
