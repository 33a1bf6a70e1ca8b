package dev.sandpod.query.operations;

import dev.sandpod.projections.IndexedAfterRebuild;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary indexes of projections that are rebuilt without them ({@link IndexedAfterRebuild}): created when
 * the rebuild has caught up, before it is recorded as finished (so the API's {@code X-Projection-Replaying} covers
 * the build), and after a rebuild that failed.
 */
final class RebuildIndexes {

    private static final Logger log = LoggerFactory.getLogger(RebuildIndexes.class);

    private final List<IndexedAfterRebuild> projections;

    RebuildIndexes(List<IndexedAfterRebuild> projections) {
        this.projections = List.copyOf(projections);
    }

    /** Creates the processor's deferred indexes; null when done (or none), else why it failed. */
    String create(String processor) {
        for (IndexedAfterRebuild projection : projections) {
            if (!projection.processingGroup().equals(processor)) {
                continue;
            }
            long start = System.nanoTime();
            try {
                projection.createIndexes();
                log.info("Indexed the rebuilt {} in {} ms", processor, (System.nanoTime() - start) / 1_000_000);
            } catch (RuntimeException e) {
                log.error("Creating the indexes of the rebuilt {} failed", processor, e);
                return "Creating the indexes failed: " + e.getMessage();
            }
        }
        return null;
    }
}
