package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.AnnotationRevisionResolver;
import org.axonframework.serialization.ChainingConverter;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.core.type.filter.AssignableTypeFilter;

/**
 * Old events stay readable forever: every event type of the published language has a stored sample of every
 * revision under {@code event-samples/}, as the event store holds it (type, revision, payload JSON written
 * by the store's serializer), and each one must deserialize through the store's serializer to the event it
 * was written from, every field filled. A new event type or revision without a sample fails here; run once
 * with {@code -Dsandpod.write-event-samples=true} to lay down samples of the current shapes. A shape change
 * keeps the old sample and needs an upcaster to read it.
 */
class StoredEventSamplesTest {

    private static final Path SAMPLES = Path.of("src/test/resources/event-samples");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Serializer serializer = new MetaDataReadingJacksonSerializer(JacksonSerializer.builder()
            .objectMapper(AxonSerializationConfiguration.objectMapper())
            .revisionResolver(new AnnotationRevisionResolver())
            .converter(new ChainingConverter()));

    @Test
    void everyStoredSampleOfEveryEventTypeAndRevisionDeserializesWithAllItsFields() throws Exception {
        List<Class<?>> events = eventTypes();
        assertThat(events).hasSizeGreaterThan(40);
        boolean write = Boolean.getBoolean("sandpod.write-event-samples");
        List<String> missing = new ArrayList<>();
        int read = 0;
        for (Class<?> type : events) {
            String revision = type.getAnnotation(Revision.class).value();
            Path file = SAMPLES.resolve(type.getSimpleName() + "-r" + revision + ".json");
            Object expected = sample(type);
            if (!Files.exists(file)) {
                if (write) {
                    write(file, type, revision, expected);
                } else {
                    missing.add(file.getFileName().toString());
                    continue;
                }
            }
            JsonNode stored = JSON.readTree(file.toFile());
            Object event = serializer.deserialize(new SimpleSerializedObject<>(
                    stored.get("payload").toString(),
                    String.class,
                    stored.get("type").asText(),
                    stored.get("revision").asText()));
            assertThat(event).as(file.getFileName().toString()).isEqualTo(expected);
            read++;
        }
        assertThat(missing)
                .as("event types and revisions without a stored sample")
                .isEmpty();
        read += readOldRevisions(events);
        try (var files = Files.list(SAMPLES)) {
            assertThat(read).as("every stored sample is read").isEqualTo(files.count());
        }
    }

    /**
     * Samples of revisions older than the current one: each must still read as its event type through the
     * upcasters the application registers (found on the classpath, as Spring finds them).
     */
    private int readOldRevisions(List<Class<?>> events) throws Exception {
        EventUpcasterChain upcasters = new EventUpcasterChain(upcasters());
        int read = 0;
        try (var files = Files.list(SAMPLES)) {
            for (Path file : files.sorted().toList()) {
                JsonNode stored = JSON.readTree(file.toFile());
                Class<?> type = Class.forName(stored.get("type").asText());
                String revision = stored.get("revision").asText();
                if (!events.contains(type)
                        || revision.equals(type.getAnnotation(Revision.class).value())) {
                    continue;
                }
                var entry = new GenericDomainEventEntry<>(
                        "Sample",
                        "sample-aggregate",
                        0L,
                        "sample-event",
                        Instant.EPOCH,
                        type.getName(),
                        revision,
                        stored.get("payload").toString(),
                        "{}");
                IntermediateEventRepresentation upcast = upcasters
                        .upcast(java.util.stream.Stream.of(new InitialEventRepresentation(entry, serializer)))
                        .findFirst()
                        .orElseThrow();
                Object event = serializer.deserialize(upcast.getData(String.class));
                assertThat(event).as(file.getFileName().toString()).isInstanceOf(type);
                read++;
            }
        }
        return read;
    }

    private static List<EventUpcaster> upcasters() throws ReflectiveOperationException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(EventUpcaster.class));
        List<EventUpcaster> upcasters = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.sandpod")) {
            Constructor<?> constructor =
                    Class.forName(candidate.getBeanClassName()).getDeclaredConstructor();
            constructor.setAccessible(true);
            upcasters.add((EventUpcaster) constructor.newInstance());
        }
        assertThat(upcasters).as("the application's upcasters").isNotEmpty();
        return upcasters;
    }

    private void write(Path file, Class<?> type, String revision, Object event) throws IOException {
        Files.createDirectories(file.getParent());
        String payload = serializer.serialize(event, String.class).getData();
        Map<String, Object> stored = new TreeMap<>();
        stored.put("type", type.getName());
        stored.put("revision", revision);
        stored.put("payload", JSON.readTree(payload));
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(stored) + "\n");
    }

    static List<Class<?>> eventTypes() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Revision.class));
        List<Class<?>> types = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.sandpod.api")) {
            types.add(Class.forName(candidate.getBeanClassName()));
        }
        types.sort((a, b) -> a.getName().compareTo(b.getName()));
        return types;
    }

    /** A deterministic instance with every component filled (distinct per field name). */
    static Object sample(Class<?> type) {
        try {
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] parameterTypes = new Class<?>[components.length];
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                parameterTypes[i] = components[i].getType();
                values[i] = value(components[i].getName(), components[i].getType(), components[i].getGenericType());
            }
            Constructor<?> constructor = type.getDeclaredConstructor(parameterTypes);
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName(), e);
        }
    }

    private static Object value(String name, Class<?> type, Type generic) {
        if (type == String.class) {
            return "sample-" + name;
        }
        if (type == boolean.class || type == Boolean.class) {
            return true;
        }
        if (type == int.class || type == Integer.class) {
            return 7 + name.length();
        }
        if (type == long.class || type == Long.class) {
            return 70L + name.length();
        }
        if (type == double.class || type == Double.class) {
            return 1.5 + name.length();
        }
        if (type == Instant.class) {
            return Instant.parse("2025-01-02T03:04:05.678Z");
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[name.length() % constants.length];
        }
        if (type == List.class) {
            Type element = ((ParameterizedType) generic).getActualTypeArguments()[0];
            Class<?> elementType =
                    element instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) element;
            return List.of(value(name, elementType, element));
        }
        if (type == Map.class) {
            Type[] arguments = ((ParameterizedType) generic).getActualTypeArguments();
            Class<?> valueType =
                    arguments[1] instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) arguments[1];
            return Map.of("sample-key", value(name, valueType, arguments[1]));
        }
        if (type.isRecord()) {
            return sample(type);
        }
        if (type == Object.class) {
            return "sample-" + name;
        }
        throw new UncheckedIOException(new IOException("no sample value for " + type + " (" + name + ")"));
    }
}
