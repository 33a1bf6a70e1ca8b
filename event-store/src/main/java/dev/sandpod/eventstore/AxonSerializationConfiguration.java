package dev.sandpod.eventstore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import org.axonframework.serialization.ChainingConverter;
import org.axonframework.serialization.RevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * One Jackson serializer for everything Axon stores: events, snapshots, tokens, sagas, deadlines.
 *
 * <p>Left alone, Axon's autoconfig would serialize with Boot's ObjectMapper, which the web layer tunes
 * for the HTTP API ({@code spring.jackson.property-naming-strategy: SNAKE_CASE} and whatever comes
 * next). A web formatting change must never change the shape of stored events, so Axon gets its own
 * mapper here, not a bean (a second ObjectMapper bean would also displace Boot's). Declaring the three
 * serializer beans makes Axon's {@code axon.serializer.*} settings moot: XStream fails on records and
 * Axon's Avro serializer cannot feed the Mongo event store, so Jackson is the only choice anyway.
 */
@Configuration(proxyBeanMethods = false)
class AxonSerializationConfiguration {

    static final String MESSAGE_SERIALIZER = "messageSerializer";
    static final String EVENT_SERIALIZER = "eventSerializer";

    @Bean
    @Primary
    Serializer serializer(RevisionResolver revisionResolver, ApplicationContext context) {
        ClassLoader classLoader = context.getClassLoader();
        return new MetaDataReadingJacksonSerializer(JacksonSerializer.builder()
                .objectMapper(objectMapper())
                .revisionResolver(revisionResolver)
                .classLoader(classLoader)
                .converter(new ChainingConverter(classLoader)));
    }

    @Bean(MESSAGE_SERIALIZER)
    @Qualifier(MESSAGE_SERIALIZER)
    Serializer messageSerializer(Serializer serializer) {
        return serializer;
    }

    @Bean(EVENT_SERIALIZER)
    @Qualifier(EVENT_SERIALIZER)
    Serializer eventSerializer(Serializer serializer) {
        return serializer;
    }

    /**
     * Records need no module; java.time is written as ISO-8601 text (readable in the event browser,
     * stable across Jackson versions). Unknown properties are ignored so that an instance still on the
     * previous release can read events written by the next one during a rolling update; the price is
     * that a renamed field reads as null, so every shape change ships with an upcaster. Class names in
     * stored type ids that have moved since are mapped ({@link MovedTypes}).
     */
    static ObjectMapper objectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .addModule(new ParameterNamesModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .addHandler(MovedTypes.typeIdHandler())
                .build();
    }
}
