package dev.sandpod.projections.eventindex;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * The owners of aggregates ({@code event_index_owners}) as {@link EventIndexProjection} last saw them, in a small
 * bounded cache: an event that does not name its user (a run's completion) takes the owner of its aggregate, which
 * was read from the store for every such event (eight reads a run).
 *
 * <p>Caching is exact because an aggregate's owner never changes once its first event is indexed: only the event
 * with sequence number 0 writes it ({@link EventIndexWrites}), and the processor handles an aggregate's events in
 * order, in one segment, and writes that entry before its token moves past it. So a later event reads either the
 * owner the first event wrote or, if the first event named no user (the queue, the system settings), none, for
 * good; both are cached. A reset of the index forgets everything ({@link #clear}).
 */
final class EventIndexOwners {

    /** Enough for the aggregates of the runs in flight and their users; about 100 bytes an entry. */
    static final int CAPACITY = 4096;

    private final MongoTemplate mongo;
    private final Map<String, Optional<String>> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
            return size() > CAPACITY;
        }
    };

    EventIndexOwners(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The cached owner of an aggregate: empty if it has none, null if not known here. */
    synchronized Optional<String> cached(String aggregateId) {
        return cache.get(aggregateId);
    }

    synchronized void remember(String aggregateId, String ownerId) {
        cache.put(aggregateId, Optional.ofNullable(ownerId));
    }

    /** Reads the owners of the given aggregates in one query and caches them (none for those without one). */
    Map<String, Optional<String>> load(Collection<String> aggregateIds) {
        Map<String, Optional<String>> found = new LinkedHashMap<>();
        if (aggregateIds.isEmpty()) {
            return found;
        }
        Query query = aggregateIds.size() == 1
                ? Query.query(Criteria.where("_id").is(aggregateIds.iterator().next()))
                : Query.query(Criteria.where("_id").in(aggregateIds));
        for (Document owner : mongo.find(query, Document.class, EventIndexProjection.OWNERS)) {
            found.put(owner.getString("_id"), Optional.ofNullable(owner.getString("ownerId")));
        }
        Set<String> missing = new HashSet<>(aggregateIds);
        missing.removeAll(found.keySet());
        missing.forEach(id -> found.put(id, Optional.empty()));
        synchronized (this) {
            cache.putAll(found);
        }
        return found;
    }

    synchronized void clear() {
        cache.clear();
    }
}
