package dev.sandpod.eventstore;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializationException;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

/**
 * Axon's Jackson serializer, reading the same values with less work per message.
 *
 * <p>Every event a processor handles has its metadata read back from JSON. Axon's {@code MetaDataDeserializer}
 * looks up the map deserializer (and its polymorphic type handling) for every message: that lookup was half
 * of the metadata read and about a tenth of a work package's time in a projection replay (JFR, bench/store,
 * issue 9). Here stored metadata (JSON text, as the Mongo event store keeps it) is read with one prepared
 * reader for {@code Map<String, Object>} — the type Axon's deserializer reads, with the same mapper, so the
 * same values — and wrapped as Axon does ({@link MetaData#from}). Other representations (bytes, a
 * {@code JsonNode} after upcasting) and every other type go through Axon's path, with the reader per class
 * prepared once instead of per message.
 *
 * <p>Stored type names of classes that have moved since are read as their new names ({@link MovedTypes}).
 */
final class MetaDataReadingJacksonSerializer extends JacksonSerializer {

    private static final String META_DATA = MetaData.class.getName();

    private final ObjectReader metaDataReader;
    private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

    MetaDataReadingJacksonSerializer(JacksonSerializer.Builder builder) {
        super(builder);
        this.metaDataReader = getObjectMapper().readerFor(new TypeReference<Map<String, Object>>() {});
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S, T> T deserialize(SerializedObject<S> serializedObject) {
        if (serializedObject.getData() instanceof String json
                && META_DATA.equals(serializedObject.getType().getName())) {
            try {
                Map<String, Object> items = metaDataReader.readValue(json);
                return (T) (items == null ? null : MetaData.from(items));
            } catch (IOException e) {
                throw new SerializationException("Error while deserializing object", e);
            }
        }
        return super.deserialize(serializedObject);
    }

    @Override
    protected String resolveClassName(SerializedType serializedType) {
        return MovedTypes.currentName(super.resolveClassName(serializedType));
    }

    @Override
    protected ObjectReader getReader(Class<?> type) {
        return readers.computeIfAbsent(type, getObjectMapper()::readerFor);
    }
}
