package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.backend.ValueComparator;
import java.util.Comparator;

/**
 * One entry of a {@link SortedIndex}: the indexed values of a document (one entry per array element
 * when a key holds an array) and the document's {@code _id}, which on the H2 backend is also its
 * position in the collection's map.
 */
final class IndexEntry {

    final Object[] values;
    final Object id;

    IndexEntry(Object[] values, Object id) {
        this.values = values;
        this.id = id;
    }

    /**
     * Index order: key by key in BSON comparison order (the order of the server's sort, ascending or
     * descending per key), then {@code _id} ascending, so equal keys never collide.
     */
    static Comparator<IndexEntry> order(boolean[] ascending) {
        return (a, b) -> {
            for (int i = 0; i < ascending.length; i++) {
                int c = compare(a.values[i], b.values[i], ascending[i]);
                if (c != 0) {
                    return c;
                }
            }
            return compare(a.id, b.id, true);
        };
    }

    static int compare(Object x, Object y, boolean ascending) {
        if (x instanceof Bound bx) {
            return y instanceof Bound by ? bx.compareTo(by) : (bx == Bound.LOW ? -1 : 1);
        }
        if (y instanceof Bound by) {
            return by == Bound.LOW ? 1 : -1;
        }
        return (ascending ? ValueComparator.asc() : ValueComparator.desc()).compare(x, y);
    }
}
