package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H2 backend's collection with its queries planned over {@link SortedIndex}es.
 *
 * <p>The server's own path ({@code AbstractMongoCollection.queryDocuments}) asks each index whether it
 * can answer a query, but only for the set of matching positions: it then reads them all, sorts them in
 * memory and only then applies skip and limit — and Axon's tracking query has no limit at all, just a
 * batch size. That is the quadratic part. Here a query with a usable index reads the index slice in
 * order, runs the matcher on each document, applies skip and limit on the way and stops after the first
 * batch; a cursor continues the same scan for {@code getMore}. Point lookups that a unique index answers
 * exactly, and queries no index helps, keep the server's path.
 */
final class IndexedH2Collection extends H2Collection {

    private static final Logger log = LoggerFactory.getLogger(IndexedH2Collection.class);
    private static final Document MATCH_ALL = new Document();
    private static final String ID = "_id";

    /** Collections whose index builds wait for the end of the server's start, per starting thread. */
    private static final ThreadLocal<Set<IndexedH2Collection>> DEFERRING = new ThreadLocal<>();

    private final List<SortedIndex> pendingBuilds = new ArrayList<>();

    /**
     * Documents read through index plans and by the server's full scans, for tests that check a query reads
     * what it returns.
     */
    private final LongAdder documentsRead = new LongAdder();

    IndexedH2Collection(
            MongoDatabase database,
            String collectionName,
            CollectionOptions options,
            MVMap<Object, Document> dataMap,
            MVMap<String, Object> metaMap,
            CursorRegistry cursorRegistry) {
        super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    @Override
    protected QueryResult queryDocuments(
            Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
        Document byId = idLookup(query);
        if (byId != null) {
            // _id and more: the document(s) the _id index names, matched against the whole query.
            List<Object> positions = new ArrayList<>();
            idIndex().getPositions(byId).forEach(positions::add);
            documentsRead.add(positions.size());
            return matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
        IndexPlan plan = plan(query, orderBy);
        if (plan == null) {
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
        Iterator<Object> ids = plan.ids();
        if (plan.ordered() && plan.covered() && numberToSkip > 0) {
            // The slice is exactly the matches, in the requested order: skip entries, not documents.
            numberToSkip -= skipEntries(ids, numberToSkip);
        }
        Stream<Document> matches = candidates(ids).filter(ExclusionMatcher.of(query, this::documentMatchesQuery));
        int max = limit < 0 ? -limit : limit;
        if (!plan.ordered() || batchSize <= 0) {
            // The server's tail: sort (only when the index did not), skip, limit, project, batch.
            Comparator<Document> sort = plan.ordered() ? null : deriveComparator(orderBy);
            return matchDocumentsFromStream(MATCH_ALL, matches, numberToSkip, max, batchSize, sort, fieldSelector);
        }
        if (numberToSkip > 0) {
            matches = matches.skip(numberToSkip);
        }
        if (max > 0) {
            matches = matches.limit(max);
        }
        Iterator<Document> remaining = matches.iterator();
        List<Document> firstBatch = project(take(remaining, batchSize), fieldSelector);
        if (!remaining.hasNext()) {
            return new QueryResult(firstBatch);
        }
        Cursor cursor = new ScanCursor(cursorRegistry.generateCursorId(), remaining, fieldSelector);
        cursorRegistry.add(cursor);
        return new QueryResult(firstBatch, cursor);
    }

    /**
     * The server's own scan (no index plan): every document of the collection is read and matched. Counted
     * with the documents read through index plans, so that tests see a query that scans.
     */
    @Override
    protected QueryResult matchDocuments(
            Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
        documentsRead.add(count());
        return super.matchDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    /** A count the index answers alone when it covers the query; the server's count otherwise. */
    @Override
    public synchronized int count(Document query, int skip, int limit) {
        if (query != null && !query.isEmpty()) {
            IndexPlan plan = plan(query, null);
            if (plan != null && plan.covered()) {
                long count = Math.max(0, plan.count() - Math.max(skip, 0));
                return (int) (limit > 0 ? Math.min(limit, count) : count);
            }
        }
        return super.count(query, skip, limit);
    }

    /**
     * What an aggregation's leading {@code $match} has to look at: the matches among the index slice when
     * an index helps (matched here, a long {@code $nin} of strings through a hash set: {@link
     * ExclusionMatcher}), else every document as the server reads them, matched. When the rest of the
     * pipeline only counts and the collection's size or an index answers the match, just the count.
     */
    synchronized MatchSource matchSource(Document match, boolean countOnly) {
        if (countOnly && match.isEmpty()) {
            // countDocuments() without a filter: the collection's size, not a read of every document.
            return new MatchSource(null, count());
        }
        IndexPlan plan = plan(match, null);
        if (plan == null) {
            return new MatchSource(queryDocuments(match, null, 0, 0, 0, null).collectDocuments(), -1);
        }
        if (countOnly && plan.covered()) {
            return new MatchSource(null, plan.count());
        }
        // Matched here, with the hashed $nin of Axon's token shapes (the stage would scan the list per document).
        return new MatchSource(
                candidates(plan.ids())
                        .filter(ExclusionMatcher.of(match, this::documentMatchesQuery))
                        .toList(),
                -1);
    }

    /** The leading {@code $match}'s documents, or (documents null) only how many there are. */
    record MatchSource(List<Document> documents, long count) {}

    /**
     * Secondary indexes are in memory: built here when the server opens the collection (or a client
     * creates one), from the documents. Unique indexes persist in the MVStore; their sorted side is rebuilt
     * the same way. While the server opens its data file ({@link #deferBuilds}), the builds of a
     * collection wait and then share one pass over its documents: reading (deserializing) them is what
     * the build costs.
     */
    @Override
    public void addIndex(Index<Object> index) {
        boolean known =
                getIndexes().stream().anyMatch(existing -> existing.getName().equals(index.getName()));
        SortedIndex sorted = null;
        if (index instanceof SortedIndex s) {
            sorted = s;
        } else if (index instanceof SortedUniqueIndex unique && !unique.isEmpty()) {
            // A fresh unique index is built by the server through add(), sorted side included.
            sorted = unique.sorted();
        }
        if (!known && sorted != null && !isEmpty()) {
            Set<IndexedH2Collection> deferring = DEFERRING.get();
            if (deferring != null) {
                sorted.buildPending(true);
                pendingBuilds.add(sorted);
                deferring.add(this);
            } else {
                build(List.of(sorted));
            }
        }
        super.addIndex(index);
    }

    /** Until {@link #buildDeferred()}, index builds on this thread wait for one pass per collection. */
    static void deferBuilds() {
        DEFERRING.set(new LinkedHashSet<>());
    }

    static void buildDeferred() {
        Set<IndexedH2Collection> collections = DEFERRING.get();
        DEFERRING.remove();
        if (collections != null) {
            for (IndexedH2Collection collection : collections) {
                List<SortedIndex> indexes = List.copyOf(collection.pendingBuilds);
                collection.pendingBuilds.clear();
                collection.build(indexes);
            }
        }
    }

    private void build(List<SortedIndex> indexes) {
        long start = System.nanoTime();
        List<SortedIndex> building = new ArrayList<>(indexes);
        try {
            streamAllDocumentsWithPosition().forEach(document -> {
                for (Iterator<SortedIndex> it = building.iterator(); it.hasNext(); ) {
                    SortedIndex index = it.next();
                    try {
                        index.add(document.getDocument(), document.getPosition(), this);
                    } catch (RuntimeException e) {
                        index.disableAfterFailedBuild(e);
                        it.remove();
                    }
                }
            });
        } catch (RuntimeException e) {
            // Could not read the documents: half-built indexes must not answer queries.
            building.forEach(index -> index.disableAfterFailedBuild(e));
        } finally {
            indexes.forEach(index -> index.buildPending(false));
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String names = indexes.stream().map(SortedIndex::getName).toList().toString();
        if (millis >= 100) {
            log.info("Built indexes {} of {} from {} documents in {} ms", names, getFullName(), count(), millis);
        } else {
            log.debug("Built indexes {} of {} from {} documents in {} ms", names, getFullName(), count(), millis);
        }
    }

    /** The best index plan, or null to leave the query to the server (point lookups, no useful index). */
    private IndexPlan plan(Document query, Document orderBy) {
        if (uniqueLookup(query)) {
            return null;
        }
        List<SortedIndex> sorted = new ArrayList<>();
        for (Index<Object> index : getIndexes()) {
            if (index instanceof SortedIndex s) {
                sorted.add(s);
            } else if (index instanceof SortedUniqueIndex u) {
                sorted.add(u.sorted());
            }
        }
        if (sorted.isEmpty()) {
            return null;
        }
        IndexPlan plan = IndexPlan.choose(QueryConditions.of(query), orderBy, sorted);
        if (plan != null && log.isTraceEnabled()) {
            log.trace("{} {} sort {}: {}", getFullName(), query, orderBy, plan);
        }
        return plan;
    }

    /** An exact lookup on a unique index ({@code _id} and the like): already a point read. */
    private boolean uniqueLookup(Document query) {
        for (Index<Object> index : getIndexes()) {
            if (!(index instanceof SortedIndex) && index.canHandle(query)) {
                return true;
            }
        }
        return false;
    }

    /**
     * For a query with an {@code _id} equality (or {@code $in}) and other conditions, which the server's
     * {@code _id} index does not take (it answers only queries on exactly its keys) and would scan: the
     * {@code _id} part alone; null for any other query, a bare {@code _id} lookup included.
     */
    private Document idLookup(Document query) {
        if (query == null || query.isEmpty() || query.keySet().equals(Set.of(ID))) {
            return null;
        }
        Index<Object> index = idIndex();
        if (index == null) {
            return null;
        }
        Document byId = idCondition(query);
        return byId != null && index.canHandle(byId) ? byId : null;
    }

    /** The query's {@code _id} condition, at its top level or in a clause of its top-level {@code $and}. */
    private static Document idCondition(Document query) {
        if (query.containsKey(ID)) {
            return new Document(ID, query.get(ID));
        }
        if (query.get("$and") instanceof List<?> clauses) {
            for (Object clause : clauses) {
                if (clause instanceof Document document) {
                    Document byId = idCondition(document);
                    if (byId != null) {
                        return byId;
                    }
                }
            }
        }
        return null;
    }

    /** The server's unique index on {@code _id}; null for a collection without one. */
    private Index<Object> idIndex() {
        for (Index<Object> index : getIndexes()) {
            if (!(index instanceof SortedIndex)
                    && !(index instanceof SortedUniqueIndex)
                    && index.getKeys().size() == 1
                    && index.getKeys().get(0).getKey().equals(ID)) {
                return index;
            }
        }
        return null;
    }

    long documentsRead() {
        return documentsRead.sum();
    }

    /** Advances past up to {@code count} ids without reading their documents; how many it passed. */
    private static int skipEntries(Iterator<Object> ids, int count) {
        int skipped = 0;
        while (skipped < count && ids.hasNext()) {
            ids.next();
            skipped++;
        }
        return skipped;
    }

    private Stream<Document> candidates(Iterator<Object> ids) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(ids, Spliterator.ORDERED), false)
                .map(id -> {
                    documentsRead.increment();
                    return getDocument(id);
                })
                // Removed since the index entry was read (cursors run outside the collection's lock).
                .filter(Objects::nonNull);
    }

    private static List<Document> take(Iterator<Document> documents, int count) {
        List<Document> batch = new ArrayList<>(Math.min(count, 1024));
        while (batch.size() < count && documents.hasNext()) {
            batch.add(documents.next());
        }
        return batch;
    }

    /** The server's projection (package-private there), applied through its own stream tail. */
    private List<Document> project(List<Document> documents, Document fieldSelector) {
        if (fieldSelector == null || fieldSelector.isEmpty()) {
            return documents;
        }
        return matchDocumentsFromStream(MATCH_ALL, documents.stream(), 0, 0, 0, null, fieldSelector)
                .collectDocuments();
    }

    /** Continues an index scan for {@code getMore}: reads the next batch only when asked. */
    private final class ScanCursor extends AbstractCursor {

        private final Iterator<Document> remaining;
        private final Document fieldSelector;

        ScanCursor(long id, Iterator<Document> remaining, Document fieldSelector) {
            super(id);
            this.remaining = remaining;
            this.fieldSelector = fieldSelector;
        }

        @Override
        public boolean isEmpty() {
            return !remaining.hasNext();
        }

        @Override
        public List<Document> takeDocuments(int numberToReturn) {
            return project(take(remaining, numberToReturn > 0 ? numberToReturn : Integer.MAX_VALUE), fieldSelector);
        }
    }
}
