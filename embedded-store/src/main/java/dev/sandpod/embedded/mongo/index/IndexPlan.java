package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * How one query reads one {@link SortedIndex}: equality on its first keys, a range on the next, in index
 * order (or reversed) when that order is the requested sort. The scan yields a superset of the matching
 * documents — the collection still runs the matcher on each — except when the plan is {@link #covered()}:
 * then the entries are exactly the matches and can be counted without reading a document.
 */
final class IndexPlan {

    private final SortedIndex index;
    private final Object[] prefix;
    private final Range range;
    private final boolean ordered;
    private final boolean reverse;
    private final boolean covered;
    private final int score;

    private IndexPlan(
            SortedIndex index,
            Object[] prefix,
            Range range,
            boolean ordered,
            boolean reverse,
            boolean covered,
            int score) {
        this.index = index;
        this.prefix = prefix;
        this.range = range;
        this.ordered = ordered;
        this.reverse = reverse;
        this.covered = covered;
        this.score = score;
    }

    /** The best plan over the given indexes, or null when none narrows the scan or saves the sort. */
    static IndexPlan choose(QueryConditions conditions, Document orderBy, Collection<SortedIndex> indexes) {
        IndexPlan best = null;
        for (SortedIndex index : indexes) {
            IndexPlan plan = of(index, conditions, orderBy);
            if (plan != null && (best == null || plan.better(best))) {
                best = plan;
            }
        }
        return best;
    }

    private boolean better(IndexPlan other) {
        if (score != other.score) {
            return score > other.score;
        }
        if (covered != other.covered) {
            return covered;
        }
        return index.keyCount() < other.index.keyCount();
    }

    static IndexPlan of(SortedIndex index, QueryConditions conditions, Document orderBy) {
        if (!index.usable()) {
            return null;
        }
        boolean multikey = index.multikey();
        List<Object> equal = new ArrayList<>();
        int key = 0;
        while (key < index.keyCount()) {
            QueryConditions.Field field = conditions.field(index.path(key));
            if (field == null || !field.hasEqual()) {
                break;
            }
            equal.add(field.equal);
            key++;
        }
        Range range = null;
        if (key < index.keyCount() && !multikey) {
            // With arrays a document may satisfy a range's two bounds with two different elements.
            QueryConditions.Field field = conditions.field(index.path(key));
            if (field != null && !field.hasEqual() && field.hasRange()) {
                range = field.range();
            }
        }
        boolean sortRequested = sortRequested(orderBy);
        int direction = sortRequested ? sortDirection(index, key, orderBy, multikey) : 1;
        boolean ordered = direction != 0;
        if (equal.isEmpty() && range == null && !(sortRequested && ordered)) {
            return null;
        }
        if (index.sparseIndex() && equal.isEmpty() && range == null) {
            // A sparse index lacks the documents without its fields, which an unconstrained scan must return.
            return null;
        }
        boolean covered = !multikey && conditions.exact() && coveredBy(index, key, range, conditions);
        int score = equal.size() * 4 + (range != null ? 2 : 0) + (sortRequested && ordered ? 1 : 0);
        return new IndexPlan(index, equal.toArray(), range, ordered, direction < 0, covered, score);
    }

    private static boolean sortRequested(Document orderBy) {
        return orderBy != null && !orderBy.isEmpty();
    }

    /**
     * 1 if reading the index forwards gives the requested order, -1 if backwards, 0 if neither. Sort keys
     * fixed by the equality prefix are ignored; the rest must be the next index keys, all in the index's
     * directions or all against them.
     */
    private static int sortDirection(SortedIndex index, int prefixLength, Document orderBy, boolean multikey) {
        if (multikey) {
            // The server sorts arrays by their smallest (largest) element; index order is per element.
            return 0;
        }
        int direction = 0;
        int key = prefixLength;
        for (Map.Entry<String, Object> sort : orderBy.entrySet()) {
            String path = sort.getKey();
            if (path.startsWith("$") || !(sort.getValue() instanceof Number number)) {
                return 0;
            }
            if (isPrefixKey(index, prefixLength, path)) {
                continue;
            }
            if (key >= index.keyCount() || !index.path(key).equals(path)) {
                return 0;
            }
            int wanted = (number.intValue() > 0) == index.ascending(key) ? 1 : -1;
            if (direction != 0 && wanted != direction) {
                return 0;
            }
            direction = wanted;
            key++;
        }
        return direction == 0 ? 1 : direction;
    }

    private static boolean isPrefixKey(SortedIndex index, int prefixLength, String path) {
        for (int i = 0; i < prefixLength; i++) {
            if (index.path(i).equals(path)) {
                return true;
            }
        }
        return false;
    }

    /** Every condition of the query is one this plan's slice applies exactly. */
    private static boolean coveredBy(SortedIndex index, int prefixLength, Range range, QueryConditions conditions) {
        int used = prefixLength + (range != null ? 1 : 0);
        if (conditions.fields().size() != used) {
            return false;
        }
        for (int i = 0; i < prefixLength; i++) {
            QueryConditions.Field field = conditions.field(index.path(i));
            if (!field.exact || field.hasRange()) {
                return false;
            }
        }
        if (range != null) {
            QueryConditions.Field field = conditions.field(index.path(prefixLength));
            if (!field.exact || (range.lower() != null && range.upper() == null && field.upper != null)) {
                return false;
            }
        }
        return true;
    }

    boolean ordered() {
        return ordered;
    }

    boolean covered() {
        return covered;
    }

    SortedIndex index() {
        return index;
    }

    /** The {@code _id}s of the candidate documents, in scan order, each once. */
    Iterator<Object> ids() {
        Iterator<IndexEntry> entries = index.slice(prefix, range, reverse);
        int rangeKey = prefix.length;
        int bracket = range == null ? Integer.MIN_VALUE : Values.bracket(range.typeOf());
        return new Iterator<>() {
            private Set<Object> seen;
            private Object next;

            @Override
            public boolean hasNext() {
                while (next == null && entries.hasNext()) {
                    IndexEntry entry = entries.next();
                    if (bracket != Integer.MIN_VALUE && Values.bracket(entry.value(rangeKey)) != bracket) {
                        continue;
                    }
                    if (index.multikey()) {
                        // Several entries per document: yield each document once.
                        if (seen == null) {
                            seen = new HashSet<>();
                        }
                        if (!seen.add(entry.id)) {
                            continue;
                        }
                    }
                    next = entry.id;
                }
                return next != null;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Object id = next;
                next = null;
                return id;
            }
        };
    }

    /** The number of matching documents; only for {@link #covered()} plans. */
    long count() {
        long count = 0;
        for (Iterator<Object> ids = ids(); ids.hasNext(); ids.next()) {
            count++;
        }
        return count;
    }

    @Override
    public String toString() {
        return index + " eq" + prefix.length + (range != null ? " range" : "") + (ordered ? " ordered" : "")
                + (reverse ? " reverse" : "") + (covered ? " covered" : "");
    }
}
