package dev.sandpod.projections;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.index.IndexResolver;

/**
 * What a projection's {@code @ResetHandler} does with its collections before a rebuild: drop them (one
 * step, however large the model) and create again every index their document class declares.
 *
 * <p>Spring Data creates the declared indexes ({@code @Indexed}, {@code @CompoundIndex}) once per mapping
 * context, when it first meets the class; a dropped collection would otherwise be rebuilt without them and
 * stay so until the next start, every list and stream query scanning it (docs/architecture.md, Operations).
 */
public final class ReadModelReset {

    private ReadModelReset() {}

    /** Drops each document class's collection and recreates its declared indexes on the empty one. */
    public static void dropAndReindex(MongoTemplate mongo, Class<?>... documentTypes) {
        IndexResolver resolver = IndexResolver.create(mongo.getConverter().getMappingContext());
        for (Class<?> type : documentTypes) {
            mongo.dropCollection(type);
            IndexOperations indexes = mongo.indexOps(type);
            resolver.resolveIndexFor(type).forEach(indexes::createIndex);
        }
    }
}
