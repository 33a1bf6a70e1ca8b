package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.CannotIndexParallelArraysError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sorted secondary index for the Mongo-wire server: its entries ({@link IndexEntry}) sit in an MVMap in
 * index order, so a query with equality on the leading keys and a range on the next one reads a contiguous
 * slice, already in the order of a sort on the following keys.
 *
 * <p>The map is in the backend's {@link IndexStore}, a scratch file made again at every open, not in the data
 * file: the collection rebuilds the entries from its documents when the server opens (see {@link
 * IndexedH2Collection#addIndex}), so they can never disagree with the data file, and only the store's page cache
 * holds them on the heap. Cursors keep iterating a slice outside the collection's lock while writers change the
 * map: an MVMap cursor reads the version of the map it started on.
 *
 * <p>The collection maintains it through the {@link Index} contract (add, remove, update in place); it
 * does not answer {@link #canHandle} — queries are planned by {@link IndexedH2Collection}, which knows the
 * sort, limit and batch size that the contract does not pass on. Positions are the documents' {@code _id}
 * values, which is what the H2 backend keys its documents by.
 */
final class SortedIndex extends Index<Object> {

    private static final Logger log = LoggerFactory.getLogger(SortedIndex.class);
    private static final String ID = "_id";

    private final String[] paths;
    private final boolean[] ascending;
    private final boolean sparse;
    private final Comparator<IndexEntry> order;
    private final MVMap<IndexEntry, byte[]> entries;
    /** Some document holds an array in a key: several entries per document, no order guarantees. */
    private volatile boolean multikey;
    /** False once an entry could not be compared (a value type the server cannot order): never planned again. */
    private volatile boolean usable = true;
    /** Its build is deferred to the end of the server's start: not empty for the server, not yet usable. */
    private volatile boolean buildPending;

    SortedIndex(String name, List<IndexKey> keys, boolean sparse, IndexStore store) {
        super(name, keys, sparse);
        this.sparse = sparse;
        this.paths = keys.stream().map(IndexKey::getKey).toArray(String[]::new);
        this.ascending = new boolean[keys.size()];
        for (int i = 0; i < ascending.length; i++) {
            ascending[i] = keys.get(i).isAscending();
        }
        this.order = IndexEntry.order(ascending);
        this.entries = store.newMap(paths.length, order);
    }

    int keyCount() {
        return paths.length;
    }

    String path(int key) {
        return paths[key];
    }

    boolean ascending(int key) {
        return ascending[key];
    }

    boolean multikey() {
        return multikey;
    }

    boolean usable() {
        return usable && !buildPending;
    }

    void buildPending(boolean pending) {
        buildPending = pending;
    }

    boolean sparseIndex() {
        return sparse;
    }

    // ---- the Index contract, as the collection drives it

    /** The {@code _id} index tells positions; a second opinion would only have to agree with it. */
    @Override
    public Object getPosition(Document document) {
        return null;
    }

    /** Rejects what MongoDB rejects: a compound key over two arrays of one document. */
    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        if (usable) {
            keyTuples(document);
        }
    }

    @Override
    public void add(Document document, Object position, MongoCollection<Object> collection) {
        if (!usable) {
            return;
        }
        for (Object[] values : keyTuples(document)) {
            try {
                entries.put(new IndexEntry(values, position), IndexStore.present());
            } catch (RuntimeException e) {
                disable("cannot order a key of document " + position, e);
            }
        }
    }

    @Override
    public Object remove(Document document) {
        Object id = document.get(ID);
        if (!usable) {
            return id;
        }
        for (Object[] values : keyTuples(document)) {
            try {
                entries.remove(new IndexEntry(values, id));
            } catch (RuntimeException e) {
                disable("cannot order a key of document " + id, e);
            }
        }
        return id;
    }

    @Override
    public boolean canHandle(Document query) {
        return false;
    }

    @Override
    public Iterable<Object> getPositions(Document query) {
        throw new UnsupportedOperationException("planned by IndexedH2Collection");
    }

    @Override
    public long getCount() {
        return entries.sizeAsLong();
    }

    /** While its build is pending the server must not build it on its own (a second pass over the documents). */
    @Override
    public boolean isEmpty() {
        return !buildPending && entries.isEmpty();
    }

    @Override
    public long getDataSize() {
        return entries.sizeAsLong();
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
        checkAdd(newDocument, collection);
    }

    @Override
    public void updateInPlace(
            Document oldDocument, Document newDocument, Object position, MongoCollection<Object> collection) {
        if (!nullAwareEqualsKeys(oldDocument, newDocument)) {
            remove(oldDocument);
            add(newDocument, position, collection);
        }
    }

    @Override
    public void drop() {
        entries.clear();
    }

    /** The entries in index order (tests look at what they hold). */
    List<IndexEntry> entries() {
        List<IndexEntry> all = new ArrayList<>();
        entries.keyIterator(null).forEachRemaining(all::add);
        return all;
    }

    /** The map of the entries in the index store (tests look at where they are kept). */
    MVMap<IndexEntry, byte[]> map() {
        return entries;
    }

    // ---- reading

    /**
     * The entries whose first {@code prefix.length} keys equal {@code prefix} and whose next key lies in
     * {@code range} (null: any), in index order or reversed.
     */
    Iterator<IndexEntry> slice(Object[] prefix, Range range, boolean reverse) {
        IndexEntry from = probe(prefix, range, true);
        IndexEntry to = probe(prefix, range, false);
        if (order.compare(from, to) > 0) {
            return Collections.emptyIterator();
        }
        // The probes sort between entries, never equal to one: the cursor's inclusive ends change nothing.
        return reverse ? entries.cursor(to, from, true) : entries.cursor(from, to, false);
    }

    /** A probe that sorts just before (start) or just after (end) the slice. */
    private IndexEntry probe(Object[] prefix, Range range, boolean start) {
        Object[] values = new Object[paths.length];
        System.arraycopy(prefix, 0, values, 0, prefix.length);
        int next = prefix.length;
        Bound fill = start ? Bound.LOW : Bound.HIGH;
        if (next < paths.length && range != null) {
            // In index order a descending key starts at the range's upper bound.
            boolean lowerSide = start == ascending[next];
            Object bound = lowerSide ? range.lower() : range.upper();
            boolean inclusive = lowerSide ? range.lowerInclusive() : range.upperInclusive();
            if (bound != null) {
                values[next] = bound;
                fill = start == inclusive ? Bound.LOW : Bound.HIGH;
            } else {
                values[next] = fill;
            }
            next++;
        }
        for (int i = next; i < paths.length; i++) {
            values[i] = fill;
        }
        return new IndexEntry(values, fill);
    }

    // ---- keys of a document

    /**
     * The key values of a document: one tuple, or one per element of the (single) array among its keys.
     * A missing field indexes as null, an empty array as null (as MongoDB does); a sparse index skips
     * documents that have none of its fields.
     */
    List<Object[]> keyTuples(Document document) {
        Object[] values = new Object[paths.length];
        int arrayKey = -1;
        boolean present = false;
        for (int i = 0; i < paths.length; i++) {
            Object value = Utils.getSubdocumentValueCollectionAware(document, paths[i]);
            if (value instanceof Missing) {
                value = null;
            } else {
                present = true;
            }
            if (value instanceof Collection) {
                if (arrayKey >= 0) {
                    throw new CannotIndexParallelArraysError(List.of(paths[arrayKey], paths[i]));
                }
                arrayKey = i;
            }
            values[i] = value;
        }
        if (sparse && !present) {
            return List.of();
        }
        if (arrayKey < 0) {
            return Collections.singletonList(detach(values));
        }
        multikey = true;
        Collection<?> elements = (Collection<?>) values[arrayKey];
        if (elements.isEmpty()) {
            values[arrayKey] = null;
            return Collections.singletonList(detach(values));
        }
        List<Object[]> tuples = new ArrayList<>(elements.size());
        for (Object element : elements) {
            Object[] tuple = values.clone();
            tuple[arrayKey] = element instanceof Missing ? null : element;
            tuples.add(detach(tuple));
        }
        return tuples;
    }

    private static Object[] detach(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = Values.detached(values[i]);
        }
        return values;
    }

    private void disable(String reason, RuntimeException e) {
        if (usable) {
            usable = false;
            log.warn(
                    "Index {} is no longer used for queries ({}); it is rebuilt at the next start",
                    getName(),
                    reason,
                    e);
        }
    }

    /** Rebuild failures (a document the index cannot hold) leave the index out of planning, not the server down. */
    void disableAfterFailedBuild(RuntimeException e) {
        disable("its build failed", e);
    }

    @Override
    public String toString() {
        return "SortedIndex[" + getName() + " " + String.join(",", paths) + (multikey ? " multikey" : "") + "]";
    }
}
