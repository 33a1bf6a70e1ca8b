package dev.sandpod.web.apidocs;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Passes of {@link ApiConventions} over the document's component schemas, following their references. */
@SuppressWarnings("rawtypes")
final class ApiSchemas {

    private ApiSchemas() {}

    /**
     * Every field of a response is always written, {@code null} included ({@code default-property-inclusion:
     * always}), so each response schema requires all its fields; a schema that lists its required fields
     * itself (a stream frame whose fields depend on its type) is left as it is. Request schemas keep what
     * their annotations say.
     */
    static void requireEveryResponseField(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        Set<String> inResponses = new HashSet<>();
        Set<String> inRequests = new HashSet<>();
        api.getPaths()
                .values()
                .forEach(item -> item.readOperations().forEach(op -> {
                    if (op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                        op.getRequestBody()
                                .getContent()
                                .values()
                                .forEach(mt -> reach(mt.getSchema(), schemas, inRequests));
                    }
                    op.getResponses().values().forEach(response -> {
                        if (response.getContent() != null) {
                            response.getContent().values().forEach(mt -> reach(mt.getSchema(), schemas, inResponses));
                        }
                    });
                }));
        for (String name : inResponses) {
            Schema<?> schema = schemas.get(name);
            if (!inRequests.contains(name)
                    && schema.getProperties() != null
                    && (schema.getRequired() == null || schema.getRequired().isEmpty())) {
                schema.setRequired(new ArrayList<>(schema.getProperties().keySet()));
            }
        }
    }

    /** Schemas no operation refers to (springdoc's view of a return type that the annotations replaced). */
    static void dropUnused(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        Set<String> used = new HashSet<>();
        api.getPaths()
                .values()
                .forEach(item -> item.readOperations().forEach(op -> {
                    if (op.getParameters() != null) {
                        op.getParameters().forEach(p -> reach(p.getSchema(), schemas, used));
                    }
                    if (op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                        op.getRequestBody().getContent().values().forEach(mt -> reach(mt.getSchema(), schemas, used));
                    }
                    op.getResponses().values().forEach(response -> {
                        if (response.getContent() != null) {
                            response.getContent().values().forEach(mt -> reach(mt.getSchema(), schemas, used));
                        }
                    });
                }));
        schemas.keySet().retainAll(used);
    }

    /** The names of the component schemas {@code start} refers to, directly or through other schemas. */
    @SuppressWarnings("unchecked")
    private static void reach(Schema<?> start, Map<String, Schema> schemas, Set<String> found) {
        Deque<Schema> todo = new ArrayDeque<>();
        if (start != null) {
            todo.add(start);
        }
        while (!todo.isEmpty()) {
            Schema s = todo.pop();
            if (s.get$ref() != null) {
                String name = s.get$ref().substring(s.get$ref().lastIndexOf('/') + 1);
                if (found.add(name) && schemas.get(name) != null) {
                    todo.add(schemas.get(name));
                }
            }
            if (s.getProperties() != null) {
                todo.addAll(((Map<String, Schema>) s.getProperties()).values());
            }
            if (s.getItems() != null) {
                todo.add(s.getItems());
            }
            if (s.getAdditionalProperties() instanceof Schema values) {
                todo.add(values);
            }
            for (Collection<Schema> alternatives :
                    List.of(nonNull(s.getAllOf()), nonNull(s.getAnyOf()), nonNull(s.getOneOf()))) {
                alternatives.forEach(todo::add);
            }
        }
    }

    private static List<Schema> nonNull(List<Schema> list) {
        return list == null ? List.of() : list;
    }
}
