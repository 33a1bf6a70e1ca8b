package dev.sandpod.embedded.mongo.index;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.Document;

/** The values a sort orders documents by, comparable across servers (numbers as doubles, missing as null). */
final class SortKeys {

    private final List<String> paths;

    SortKeys(BsonDocument sort) {
        this.paths = new ArrayList<>(sort.keySet());
    }

    List<List<Object>> of(List<Document> documents) {
        List<List<Object>> keys = new ArrayList<>();
        for (Document document : documents) {
            List<Object> key = new ArrayList<>();
            for (String path : paths) {
                key.add(normalized(value(document, path)));
            }
            keys.add(key);
        }
        return keys;
    }

    private static Object value(Document document, String path) {
        Object value = document;
        for (String part : path.split("\\.")) {
            if (!(value instanceof Document d)) {
                return null;
            }
            value = d.get(part);
        }
        return value;
    }

    private static Object normalized(Object value) {
        return value instanceof Number number ? (Object) number.doubleValue() : value;
    }
}
