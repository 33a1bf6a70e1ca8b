package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The matcher for a query, with one shortcut: a long {@code $nin} list of strings on a top-level field
 * is checked with a hash set instead of the server's linear scan of the list per document.
 *
 * <p>That is the shape of Axon's tracking query ({@code eventIdentifier $nin} the ids of the last second
 * of events, thousands in a burst), and each fetch re-reads that second: with the linear scan, matching
 * the list costs more than reading the documents. A document whose field is not a string (missing,
 * array, other type) goes through the server's matcher with the original query, so the answer is the
 * server's in every case.
 */
final class ExclusionMatcher {

    /** Below this the server's scan of the list is as cheap as hashing. */
    static final int MIN_LIST = 16;

    private ExclusionMatcher() {}

    static Predicate<Document> of(Document query, BiPredicate<Document, Document> matcher) {
        Exclusion exclusion = find(query);
        if (exclusion == null) {
            return document -> matcher.test(document, query);
        }
        Document residual = exclusion.residual();
        Set<String> excluded = exclusion.values();
        String field = exclusion.field();
        return document -> {
            Object value = document.get(field);
            if (value instanceof String string) {
                return !excluded.contains(string) && matcher.test(document, residual);
            }
            return matcher.test(document, query);
        };
    }

    private record Exclusion(String field, Set<String> values, Document residual) {}

    /** A top-level {@code {field: {$nin: [strings]}}}, alone or as one clause of a top-level {@code $and}. */
    private static Exclusion find(Document query) {
        for (Map.Entry<String, Object> entry : query.entrySet()) {
            Set<String> values = excludedStrings(entry.getKey(), entry.getValue());
            if (values != null) {
                Document residual = new Document();
                query.forEach((k, v) -> {
                    if (!k.equals(entry.getKey())) {
                        residual.put(k, v);
                    }
                });
                return new Exclusion(entry.getKey(), values, residual);
            }
        }
        if (query.get("$and") instanceof List<?> clauses) {
            for (int i = 0; i < clauses.size(); i++) {
                if (clauses.get(i) instanceof Document clause && clause.size() == 1) {
                    Map.Entry<String, Object> only =
                            clause.entrySet().iterator().next();
                    Set<String> values = excludedStrings(only.getKey(), only.getValue());
                    if (values != null) {
                        List<Object> rest = new ArrayList<>(clauses);
                        rest.remove(i);
                        Document residual = new Document();
                        query.forEach((k, v) -> residual.put(k, v));
                        if (rest.isEmpty()) {
                            residual.remove("$and");
                        } else {
                            residual.put("$and", rest);
                        }
                        return new Exclusion(only.getKey(), values, residual);
                    }
                }
            }
        }
        return null;
    }

    private static Set<String> excludedStrings(String field, Object condition) {
        if (field.startsWith("$")
                || field.contains(".")
                || !(condition instanceof Document operators)
                || operators.size() != 1
                || !(operators.get("$nin") instanceof List<?> list)
                || list.size() < MIN_LIST) {
            return null;
        }
        Set<String> values = new HashSet<>(list.size() * 2);
        for (Object value : list) {
            if (!(value instanceof String string)) {
                return null;
            }
            values.add(string);
        }
        return values;
    }
}
