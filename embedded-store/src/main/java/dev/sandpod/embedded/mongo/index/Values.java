package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.LegacyUUID;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** What the planner may do with a query value, in the server's (BSON) terms. */
final class Values {

    private Values() {}

    /**
     * Values an equality lookup may probe the index with. Whatever the server's matcher calls equal
     * compares equal in index order for these; arrays ({@code {f: [1, 2]}} also matches an array
     * element equal to the whole array), null (also matches a missing field) and regular expressions
     * are left to a scan.
     */
    static boolean probeable(Object value) {
        return value != null
                && !(value instanceof Missing)
                && !(value instanceof Collection)
                && !(value instanceof BsonRegularExpression)
                && !(value instanceof Pattern)
                && !(value instanceof MinKey)
                && !(value instanceof MaxKey)
                && !(value instanceof Document document && hasOperator(document));
    }

    /** Equality values for which "equal in index order" is exactly the matcher's equality. */
    static boolean exactEquality(Object value) {
        return value instanceof String
                || value instanceof Boolean
                || value instanceof ObjectId
                || value instanceof Instant
                || value instanceof UUID;
    }

    /**
     * Bounds of {@code $gt/$gte/$lt/$lte} the index can serve: the matcher compares them in index
     * order within their type bracket ({@link #bracket}), exactly.
     */
    static boolean rangeBound(Object value) {
        if (value instanceof Number number) {
            return !(value instanceof Decimal128) && !Double.isNaN(number.doubleValue());
        }
        return value instanceof String
                || value instanceof Instant
                || value instanceof ObjectId
                || value instanceof BsonTimestamp;
    }

    /**
     * The type bracket of a value: range operators only match values of the bound's bracket (all
     * numbers are one bracket). Numbered in the server's sort order of types.
     */
    static int bracket(Object value) {
        if (value == null || value instanceof Missing) {
            return 0;
        } else if (value instanceof MinKey) {
            return -1;
        } else if (value instanceof Number) {
            return 1;
        } else if (value instanceof String) {
            return 2;
        } else if (value instanceof Document) {
            return 3;
        } else if (value instanceof Collection) {
            return 4;
        } else if (value instanceof BinData) {
            return 5;
        } else if (value instanceof LegacyUUID) {
            return 6;
        } else if (value instanceof UUID) {
            return 7;
        } else if (value instanceof ObjectId) {
            return 8;
        } else if (value instanceof Boolean) {
            return 9;
        } else if (value instanceof Instant) {
            return 10;
        } else if (value instanceof BsonTimestamp) {
            return 11;
        } else if (value instanceof BsonRegularExpression) {
            return 12;
        } else if (value instanceof MaxKey) {
            return 14;
        }
        return 13;
    }

    static boolean hasOperator(Document document) {
        for (String key : document.keySet()) {
            if (key.startsWith("$")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A copy of a key value that later in-place updates of the stored document cannot change: documents
     * and arrays are copied deeply, scalars are immutable.
     */
    static Object detached(Object value) {
        if (value instanceof Document document) {
            Document copy = new Document();
            for (Map.Entry<String, Object> entry : document.entrySet()) {
                copy.put(entry.getKey(), detached(entry.getValue()));
            }
            return copy;
        } else if (value instanceof Collection<?> collection) {
            List<Object> copy = new ArrayList<>(collection.size());
            for (Object element : collection) {
                copy.add(detached(element));
            }
            return copy;
        }
        return value;
    }
}
