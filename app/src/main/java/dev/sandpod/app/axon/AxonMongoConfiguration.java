package dev.sandpod.app.axon;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventhandling.saga.repository.MongoSagaStore;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.MongoDatabaseFactory;

/**
 * Axon on MongoDB without Axon Server: event store, token store and saga store in the application's
 * Mongo database (embedded Mongo-wire server or external MongoDB alike).
 *
 * <p>axon-mongo has no Spring Boot starter past 4.10, so the beans are declared here. No Mongo
 * transaction manager: the Mongo-wire server has no transactions, and Axon's unique index on
 * (aggregate id, sequence number) is what guards concurrent appends.
 */
@Configuration(proxyBeanMethods = false)
class AxonMongoConfiguration {

    /**
     * Segments a new processor starts with. Axon's default of 16 costs a token document (of several KB
     * with Mongo tracking tokens) per segment, rewritten on every batch; one node needs few. Processors
     * can be split later when instances are added.
     */
    static final int INITIAL_SEGMENTS = 2;
    /** Events handled per transaction of a work package: amortises the token write under load. */
    static final int PROCESSOR_BATCH_SIZE = 50;
    /**
     * With commit signals a processor no longer polls every 500 ms; this is how often it still looks for
     * events of other instances and for unclaimed segments.
     */
    static final long TOKEN_CLAIM_INTERVAL_MILLIS = 1000;

    /** Events per query of the tracking stream; ~2x faster catch-up on the index-less Mongo-wire server. */
    static final int EVENT_BATCH_SIZE = 1000;

    @Bean
    MongoTemplate axonMongoTemplate(MongoDatabaseFactory databaseFactory) {
        // The database of spring.data.mongodb.* (sandpod), not axon-mongo's default "axonframework".
        return DefaultMongoTemplate.builder().mongoDatabase(databaseFactory.getMongoDatabase()).build();
    }

    @Bean
    EventStorageEngine eventStorageEngine(MongoTemplate axonMongoTemplate,
                                          Serializer serializer,
                                          @Qualifier(AxonSerializationConfiguration.EVENT_SERIALIZER) Serializer eventSerializer,
                                          org.axonframework.config.Configuration configuration) {
        MongoEventStorageEngine engine = MongoEventStorageEngine.builder()
                .mongoTemplate(axonMongoTemplate)
                .eventSerializer(eventSerializer)
                .snapshotSerializer(serializer)
                .upcasterChain(configuration.upcasterChain())
                .snapshotFilter(configuration.snapshotFilter())
                .batchSize(EVENT_BATCH_SIZE)
                .build();
        engine.ensureIndexes();
        return engine;
    }

    /** Replaces the autoconfigured one (named eventBus) so the store above is the event bus. */
    @Bean
    EmbeddedEventStore eventStore(EventStorageEngine eventStorageEngine, org.axonframework.config.Configuration configuration) {
        return EmbeddedEventStore.builder()
                .storageEngine(eventStorageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .build();
    }

    @Bean
    TokenStore tokenStore(MongoTemplate axonMongoTemplate, Serializer serializer) {
        return MongoTokenStore.builder().mongoTemplate(axonMongoTemplate).serializer(serializer).build();
    }

    @Bean
    SagaStore<Object> sagaStore(MongoTemplate axonMongoTemplate, Serializer serializer) {
        return MongoSagaStore.builder().mongoTemplate(axonMongoTemplate).serializer(serializer).build();
    }

    /**
     * Processors without explicit settings are pooled streaming: they read the event store (which makes
     * it the outbox), can be split by segment across instances, and one coordinator reads the store for
     * all segments, which matters when every read filters the whole collection (STACK.md 17).
     */
    @Autowired
    void pooledStreamingByDefault(EventProcessingConfigurer processing) {
        processing.usingPooledStreamingEventProcessors((configuration, builder) -> builder
                .messageSource(configuration.getComponent(CommitNotifyingEventSource.class,
                        () -> new CommitNotifyingEventSource(configuration.eventStore())))
                .initialSegmentCount(INITIAL_SEGMENTS)
                .batchSize(PROCESSOR_BATCH_SIZE)
                .tokenClaimInterval(TOKEN_CLAIM_INTERVAL_MILLIS));
    }
}
