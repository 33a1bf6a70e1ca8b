package dev.sandpod.embedded.mongo.index;

import de.bwaldvogel.mongo.backend.NumericUtils;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stages after an aggregation's {@code $match} that only count its documents — the shape of the driver's
 * {@code countDocuments}: optional {@code $skip}/{@code $limit}, then one {@code $group} by a constant summing
 * integer constants — answered from the number of matches alone. The processor list and a rebuild's follower
 * count the events after a token this way several times a second; fed one placeholder document per match
 * through the server's {@code $group}, a count over 100 000 events allocated and summed 100 000 documents.
 */
final class CountingPipeline {

    private CountingPipeline() {}

    /** Whether {@code stages} only count, in a shape {@link #answer} answers exactly as the server would. */
    static boolean countsOnly(List<Document> stages) {
        if (stages.isEmpty()) {
            return false;
        }
        for (int i = 0; i < stages.size() - 1; i++) {
            Set<String> keys = stages.get(i).keySet();
            boolean skip = keys.equals(Set.of("$skip")) && stages.get(i).get("$skip") instanceof Number;
            boolean limit = keys.equals(Set.of("$limit")) && stages.get(i).get("$limit") instanceof Number;
            if (!skip && !limit) {
                return false;
            }
        }
        if (!(stages.get(stages.size() - 1).get("$group") instanceof Document group) || !group.containsKey("_id")) {
            return false;
        }
        for (Map.Entry<String, Object> entry : group.entrySet()) {
            Object value = entry.getValue();
            if (entry.getKey().equals("_id")) {
                if (value instanceof Document
                        || value instanceof List
                        || (value instanceof String s && s.startsWith("$"))) {
                    return false;
                }
            } else if (!(value instanceof Document accumulator)
                    || accumulator.size() != 1
                    || !(accumulator.get("$sum") instanceof Integer || accumulator.get("$sum") instanceof Long)) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the server's stages answer for {@code matches} documents: none for none, else one document with the
     * group's {@code _id} and each sum, of the type the server's repeated additions give (an int while it fits).
     */
    static List<Document> answer(List<Document> stages, long matches) {
        long count = matches;
        for (Document stage : stages.subList(0, stages.size() - 1)) {
            if (stage.get("$skip") instanceof Number skip) {
                count = Math.max(0, count - skip.longValue());
            } else if (stage.get("$limit") instanceof Number limit && limit.longValue() > 0) {
                count = Math.min(count, limit.longValue());
            }
        }
        if (count == 0) {
            return List.of();
        }
        Document group = (Document) stages.get(stages.size() - 1).get("$group");
        Document result = new Document();
        for (Map.Entry<String, Object> entry : group.entrySet()) {
            if (entry.getKey().equals("_id")) {
                result.put("_id", entry.getValue());
            } else {
                Number each = (Number) ((Document) entry.getValue()).get("$sum");
                Number times = count <= Integer.MAX_VALUE ? (Number) (int) count : (Number) count;
                result.put(entry.getKey(), NumericUtils.addNumbers(0, NumericUtils.multiplyNumbers(each, times)));
            }
        }
        return List.of(result);
    }
}
