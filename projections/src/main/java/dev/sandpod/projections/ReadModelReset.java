package dev.sandpod.projections;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.index.IndexResolver;

/**
 * What a projection's {@code @ResetHandler} does with its collections before a rebuild: drop them (one
 * step, however large the model) and create again every index their document class declares — at once
 * ({@link #dropAndReindex}), or, for a projection that is {@link IndexedAfterRebuild}, once the rebuild has
 * caught up ({@link #dropForRebuild}, then {@link #createDeclaredIndexes}).
 *
 * <p>Spring Data creates the declared indexes ({@code @Indexed}, {@code @CompoundIndex}) once per mapping
 * context, when it first meets the class; a dropped collection would otherwise be rebuilt without them and
 * stay so until the next start, every list and stream query scanning it (docs/architecture.md, Operations).
 */
public final class ReadModelReset {

    private ReadModelReset() {}

    /** Drops each document class's collection and recreates its declared indexes on the empty one. */
    public static void dropAndReindex(MongoTemplate mongo, Class<?>... documentTypes) {
        for (Class<?> type : documentTypes) {
            mongo.dropCollection(type);
        }
        createDeclaredIndexes(mongo, documentTypes);
    }

    /**
     * Drops each document class's collection and leaves the new one with only its {@code _id} index: the rebuild
     * then writes its documents without keeping the secondary indexes up to date on every write (a fifth of a
     * rebuild's CPU, bench/operations), and {@link #createDeclaredIndexes} builds each of them in one pass when
     * the rebuild has caught up. Meanwhile a query that would use them reads the collection as it fills.
     */
    public static void dropForRebuild(MongoTemplate mongo, Class<?>... documentTypes) {
        for (Class<?> type : documentTypes) {
            mongo.dropCollection(type);
        }
    }

    /** Creates every index the document classes declare (an index that exists already stays as it is). */
    public static void createDeclaredIndexes(MongoTemplate mongo, Class<?>... documentTypes) {
        IndexResolver resolver = IndexResolver.create(mongo.getConverter().getMappingContext());
        for (Class<?> type : documentTypes) {
            IndexOperations indexes = mongo.indexOps(type);
            resolver.resolveIndexFor(type).forEach(indexes::createIndex);
        }
    }
}
