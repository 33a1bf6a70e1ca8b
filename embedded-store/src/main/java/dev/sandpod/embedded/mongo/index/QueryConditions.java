package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The per-field equality and range conditions of a query's top level (and of its {@code $and}), which is
 * all an index plan needs. Everything else ({@code $or}, {@code $in}, {@code $nin}, {@code $exists},
 * regular expressions, ...) stays with the server's matcher, which checks every document an index scan
 * yields anyway; it only makes the query {@link #exact() inexact}, i.e. not countable from the index.
 */
final class QueryConditions {

    /** The conditions on one field. */
    static final class Field {
        Object equal;
        Object lower;
        boolean lowerInclusive;
        Object upper;
        boolean upperInclusive;
        /** Only equality/range conditions of exactly comparable types (see {@link Values}). */
        boolean exact = true;

        boolean hasEqual() {
            return equal != null;
        }

        boolean hasRange() {
            return lower != null || upper != null;
        }

        /** The range, or null when both bounds are of different type brackets (then only the lower serves). */
        Range range() {
            if (lower != null && upper != null && Values.bracket(lower) != Values.bracket(upper)) {
                return new Range(lower, lowerInclusive, null, false);
            }
            return new Range(lower, lowerInclusive, upper, upperInclusive);
        }
    }

    private final Map<String, Field> fields = new HashMap<>();
    private boolean exact = true;

    static QueryConditions of(Document query) {
        QueryConditions conditions = new QueryConditions();
        if (query != null) {
            conditions.collect(query);
        }
        return conditions;
    }

    Field field(String path) {
        return fields.get(path);
    }

    Map<String, Field> fields() {
        return fields;
    }

    /** Every condition of the query is an equality or range held in {@link #fields()}. */
    boolean exact() {
        return exact;
    }

    private void collect(Document query) {
        for (Map.Entry<String, Object> entry : query.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (key.equals("$and") && value instanceof List<?> clauses) {
                for (Object clause : clauses) {
                    if (clause instanceof Document document) {
                        collect(document);
                    } else {
                        exact = false;
                    }
                }
            } else if (key.startsWith("$")) {
                exact = false;
            } else if (value instanceof Document document && Values.hasOperator(document)) {
                for (Map.Entry<String, Object> operator : document.entrySet()) {
                    operator(key, operator.getKey(), operator.getValue());
                }
            } else if (value instanceof BsonRegularExpression || value instanceof Pattern) {
                exact = false;
            } else {
                equal(key, value);
            }
        }
    }

    private void operator(String path, String operator, Object operand) {
        switch (operator) {
            case "$eq" -> equal(path, operand);
            case "$gt" -> lower(path, operand, false);
            case "$gte" -> lower(path, operand, true);
            case "$lt" -> upper(path, operand, false);
            case "$lte" -> upper(path, operand, true);
            default -> exact = false;
        }
    }

    private void equal(String path, Object value) {
        if (!Values.probeable(value)) {
            exact = false;
            return;
        }
        Field field = fields.computeIfAbsent(path, p -> new Field());
        if (field.hasEqual()) {
            // Two equalities on one field: probe with the first, the matcher checks the second.
            field.exact = false;
            return;
        }
        field.equal = value;
        if (!Values.exactEquality(value)) {
            field.exact = false;
        }
    }

    private void lower(String path, Object bound, boolean inclusive) {
        if (!Values.rangeBound(bound)) {
            exact = false;
            return;
        }
        Field field = fields.computeIfAbsent(path, p -> new Field());
        if (field.lower == null) {
            field.lower = bound;
            field.lowerInclusive = inclusive;
        } else if (Values.bracket(field.lower) == Values.bracket(bound)) {
            int c = IndexEntry.compare(bound, field.lower, true);
            if (c > 0 || (c == 0 && !inclusive)) {
                field.lower = bound;
                field.lowerInclusive = inclusive;
            }
        } else {
            field.exact = false;
        }
    }

    private void upper(String path, Object bound, boolean inclusive) {
        if (!Values.rangeBound(bound)) {
            exact = false;
            return;
        }
        Field field = fields.computeIfAbsent(path, p -> new Field());
        if (field.upper == null) {
            field.upper = bound;
            field.upperInclusive = inclusive;
        } else if (Values.bracket(field.upper) == Values.bracket(bound)) {
            int c = IndexEntry.compare(bound, field.upper, true);
            if (c < 0 || (c == 0 && !inclusive)) {
                field.upper = bound;
                field.upperInclusive = inclusive;
            }
        } else {
            field.exact = false;
        }
    }
}
