package dev.sandpod.eventstore;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.jsontype.TypeIdResolver;
import java.util.Map;

/**
 * Stored class names of types that have moved since they were stored. Axon keeps a tracking token with its
 * class name: as the token store's {@code tokenType}, and as {@code @class} inside the JSON of a
 * {@code ReplayToken} (a processor in the middle of a replay). Until issue 13 the storage engine lived in
 * the app module, so every token stored by then names {@code dev.sandpod.app.axon}; without this mapping
 * such a token no longer reads and its processor cannot start.
 */
final class MovedTypes {

    private static final Map<String, Class<?>> MOVED =
            Map.of("dev.sandpod.app.axon.ReplaySafeMongoTrackingToken", ReplaySafeMongoTrackingToken.class);

    private MovedTypes() {}

    /** The name the class stored as {@code storedName} has now. */
    static String currentName(String storedName) {
        Class<?> moved = MOVED.get(storedName);
        return moved != null ? moved.getName() : storedName;
    }

    /** For Jackson: resolves a moved class named in a type id ({@code @class}) that no longer exists. */
    static DeserializationProblemHandler typeIdHandler() {
        return new DeserializationProblemHandler() {
            @Override
            public JavaType handleUnknownTypeId(
                    DeserializationContext context,
                    JavaType baseType,
                    String subTypeId,
                    TypeIdResolver resolver,
                    String failureMessage) {
                Class<?> moved = MOVED.get(subTypeId);
                return moved != null && baseType.getRawClass().isAssignableFrom(moved)
                        ? context.getTypeFactory().constructSpecializedType(baseType, moved)
                        : null;
            }
        };
    }
}
