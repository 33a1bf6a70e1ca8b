package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.backend.ValueComparator;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One entry of a {@link SortedIndex}: the indexed values of a document (one entry per array element
 * when a key holds an array) and the document's {@code _id}, which on the H2 backend is also its
 * position in the collection's map.
 *
 * <p>Entries live in the index store's pages ({@link IndexStore}, written as {@link IndexEntryType} says); those
 * of the cached pages are on the heap, so they are kept small: up to three key values sit in fields of the entry
 * itself (every index the stores declare has at most three keys), only further ones in an array. An entry of
 * three keys takes 32 bytes where an entry with an array of its values took 56 (compressed references).
 */
final class IndexEntry {

    /** Key values held in fields; keys beyond these go to {@link #more}. */
    static final int INLINE = 3;

    private final Object v0;
    private final Object v1;
    private final Object v2;
    /** Values of the keys after the third; null for indexes of up to three keys. */
    private final Object[] more;

    final Object id;

    IndexEntry(Object[] values, Object id) {
        this.v0 = values.length > 0 ? values[0] : null;
        this.v1 = values.length > 1 ? values[1] : null;
        this.v2 = values.length > 2 ? values[2] : null;
        this.more = values.length > INLINE ? Arrays.copyOfRange(values, INLINE, values.length) : null;
        this.id = id;
    }

    /** The value of key {@code key} (0: the first key of the index). */
    Object value(int key) {
        switch (key) {
            case 0:
                return v0;
            case 1:
                return v1;
            case 2:
                return v2;
            default:
                return more[key - INLINE];
        }
    }

    /** Whether the values are held without an array of their own (tests check the entries stay compact). */
    boolean inline() {
        return more == null;
    }

    /**
     * Index order: key by key in BSON comparison order (the order of the server's sort, ascending or
     * descending per key), then {@code _id} ascending, so equal keys never collide.
     */
    static Comparator<IndexEntry> order(boolean[] ascending) {
        return (a, b) -> {
            for (int i = 0; i < ascending.length; i++) {
                int c = compare(a.value(i), b.value(i), ascending[i]);
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
        // Two strings or two longs (execution ids, event ids, sequence numbers: most comparisons of a rebuild's
        // inserts): what ValueComparator answers for them (String.compareTo; Long.compare after its number
        // normalisation, same sign), without its type dispatch, which was most of an insert's cost
        // (bench/operations, JFR: ValueComparator under SortedIndex.add).
        if (x instanceof String sx && y instanceof String sy) {
            int c = sx.compareTo(sy);
            return ascending ? c : -c;
        }
        if (x instanceof Long lx && y instanceof Long ly) {
            int c = Long.compare(lx, ly);
            return ascending ? c : -c;
        }
        return (ascending ? ValueComparator.asc() : ValueComparator.desc()).compare(x, y);
    }
}
