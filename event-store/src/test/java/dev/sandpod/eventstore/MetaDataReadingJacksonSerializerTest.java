package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.ChainingConverter;
import org.axonframework.serialization.SerializedMetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

class MetaDataReadingJacksonSerializerTest {

    private final Serializer axons = JacksonSerializer.builder()
            .objectMapper(AxonSerializationConfiguration.objectMapper())
            .converter(new ChainingConverter())
            .build();
    private final Serializer ours = new MetaDataReadingJacksonSerializer(JacksonSerializer.builder()
            .objectMapper(AxonSerializationConfiguration.objectMapper())
            .converter(new ChainingConverter()));

    @Test
    void readsStoredMetaDataAsAxonDoes() {
        Map<String, Object> nested = new HashMap<>();
        nested.put("a", 1);
        nested.put("b", Arrays.asList("x", null, 2.5));
        Map<String, Object> items = new HashMap<>();
        items.put("userId", "u-1");
        items.put("int", 42);
        items.put("long", 12345678901234L);
        items.put("double", 0.25);
        items.put("flag", true);
        items.put("nothing", null);
        items.put("nested", nested);
        items.put("list", List.of(1, "two", Map.of("three", 3)));
        for (MetaData metaData :
                List.of(MetaData.emptyInstance(), MetaData.with("traceparent", "00-abc-01"), MetaData.from(items))) {
            SerializedObject<String> stored = ours.serialize(metaData, String.class);
            SerializedMetaData<String> asStored = new SerializedMetaData<>(stored.getData(), String.class);
            MetaData expected = axons.deserialize(asStored);
            MetaData read = ours.deserialize(asStored);
            assertThat(read).isEqualTo(expected).isEqualTo(metaData.size() == 0 ? MetaData.emptyInstance() : expected);
            assertThat(read.keySet()).isEqualTo(metaData.keySet());
            SerializedObject<byte[]> bytes = ours.serialize(metaData, byte[].class);
            assertThat((MetaData) ours.deserialize(bytes)).isEqualTo(axons.deserialize(bytes));
        }
        SerializedMetaData<String> nullJson = new SerializedMetaData<>("null", String.class);
        assertThat((Object) ours.deserialize(nullJson)).isEqualTo(axons.deserialize(nullJson));
    }

    @Test
    void readsOtherTypesThroughAxon() {
        BenchLike value = new BenchLike("agg", 7, List.of("a"));
        SerializedObject<String> stored = ours.serialize(value, String.class);
        assertThat((Object) ours.deserialize(stored)).isEqualTo(value);
        assertThat((Object) ours.deserialize(
                        new SimpleSerializedObject<>(stored.getData(), String.class, stored.getType())))
                .isEqualTo(axons.deserialize(stored));
    }

    record BenchLike(String aggregateId, long sequence, List<String> tags) {}
}
