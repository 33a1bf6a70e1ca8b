package dev.sandpod.projections;

/**
 * A projection whose rebuild fills its collections without their secondary indexes
 * ({@link ReadModelReset#dropForRebuild}) and has them created when the rebuild has caught up: the admin's
 * processor operations call {@link #createIndexes()} on the instance that sees the rebuild reach the events the
 * store held at its start, before they record it as finished, and also after a rebuild that failed. It is
 * idempotent (an index that exists stays), and a restart creates every declared index too (Spring Data's
 * {@code auto-index-creation}), so a rebuild cut short by a crash does not leave the model without them.
 */
public interface IndexedAfterRebuild {

    /** The processing group (event processor) whose rebuild this is about. */
    String processingGroup();

    /** Creates every secondary index of the projection's collections that does not exist yet. */
    void createIndexes();
}
