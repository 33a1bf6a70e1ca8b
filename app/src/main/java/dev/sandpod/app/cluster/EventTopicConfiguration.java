package dev.sandpod.app.cluster;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.extensions.kafka.eventhandling.DefaultKafkaMessageConverter;
import org.axonframework.extensions.kafka.eventhandling.producer.ConfirmationMode;
import org.axonframework.extensions.kafka.eventhandling.producer.DefaultProducerFactory;
import org.axonframework.extensions.kafka.eventhandling.producer.KafkaEventPublisher;
import org.axonframework.extensions.kafka.eventhandling.producer.KafkaPublisher;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The domain event stream on Kafka through Axon's Kafka extension: every event of the store, with its type,
 * revision, aggregate, timestamp and metadata in Axon's record headers ({@code axon-message-*},
 * {@code axon-metadata-*}) and its payload as the store serializes it (JSON), keyed by aggregate id, on the topic
 * {@code sandpod.events} ({@code sandpod.events.topic}). A pooled streaming processor of its own reads the event
 * store and hands each event to the publisher, which waits for the broker's acknowledgement before the processor
 * stores its token: the event store is the outbox, so nothing is lost over restarts (an event may be published
 * twice after a crash; consumers dedupe by {@code axon-message-id}). Its segments are shared by the instances
 * that run processors, like every other processor's.
 *
 * <p>On unless {@code axon.kafka.publisher.enabled=false} (the name Axon's own starter uses), for a deployment whose
 * broker must not get the events.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "axon.kafka.publisher.enabled", havingValue = "true", matchIfMissing = true)
class EventTopicConfiguration {

    /** The processor that publishes (pooled streaming, like every processor without settings of its own). */
    static final String PROCESSOR = "domain-event-topic";

    private static final int PARTITIONS = 4;
    private static final long ACK_TIMEOUT_MS = 10_000;

    @Bean
    NewTopic domainEventsTopic(@Value("${sandpod.events.topic:sandpod.events}") String topic) {
        return TopicBuilder.name(topic).partitions(PARTITIONS).replicas(1).build();
    }

    /** Static: the configuration's own {@code @Autowired} method needs it, before the configuration exists. */
    @Bean(destroyMethod = "shutDown")
    static DefaultProducerFactory<String, byte[]> domainEventsProducers(KafkaProperties kafka) {
        Map<String, Object> settings = kafka.buildProducerProperties(null);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return DefaultProducerFactory.<String, byte[]>builder()
                .configuration(settings)
                .confirmationMode(ConfirmationMode.WAIT_FOR_ACK)
                .build();
    }

    @Autowired
    void publishEveryEvent(
            EventProcessingConfigurer processing,
            DefaultProducerFactory<String, byte[]> domainEventsProducers,
            @Qualifier("eventSerializer") Serializer eventSerializer,
            @Value("${sandpod.events.topic:sandpod.events}") String topic) {
        KafkaPublisher<String, byte[]> publisher = KafkaPublisher.<String, byte[]>builder()
                .producerFactory(domainEventsProducers)
                // The converter below serializes; naming the serializer here too keeps the builder from creating
                // its XStream default, which it announced with a warning and a stack trace on every start.
                .serializer(eventSerializer)
                .messageConverter(DefaultKafkaMessageConverter.builder()
                        .serializer(eventSerializer)
                        .build())
                .topicResolver(event -> Optional.of(topic))
                .publisherAckTimeout(ACK_TIMEOUT_MS)
                .build();
        KafkaEventPublisher<String, byte[]> handler = KafkaEventPublisher.<String, byte[]>builder()
                .kafkaPublisher(publisher)
                .build();
        processing.registerEventHandler(configuration -> handler);
        processing.assignHandlerInstancesMatching(PROCESSOR, Integer.MIN_VALUE, h -> h instanceof KafkaEventPublisher);
    }
}
