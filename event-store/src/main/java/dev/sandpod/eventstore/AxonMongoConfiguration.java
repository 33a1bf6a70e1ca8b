package dev.sandpod.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
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
import org.bson.Document;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
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
@EnableConfigurationProperties(AxonTuning.class)
@PropertySource("classpath:dev/sandpod/eventstore/axon-defaults.properties")
class AxonMongoConfiguration {

    /** Field names of axon-mongo's {@code SagaEntry} documents. */
    static final String SAGA_IDENTIFIER = "sagaIdentifier";

    static final String SAGA_TYPE = "sagaType";
    static final String SAGA_ASSOCIATIONS = "associations";

    @Bean
    MongoTemplate axonMongoTemplate(MongoDatabaseFactory databaseFactory) {
        // The database of spring.data.mongodb.* (sandpod), not axon-mongo's default "axonframework".
        return DefaultMongoTemplate.builder()
                .mongoDatabase(databaseFactory.getMongoDatabase())
                .build();
    }

    @Bean
    EventStorageEngine eventStorageEngine(
            MongoTemplate axonMongoTemplate,
            Serializer serializer,
            @Qualifier(AxonSerializationConfiguration.EVENT_SERIALIZER) Serializer eventSerializer,
            org.axonframework.config.Configuration configuration,
            AxonTuning tuning) {
        // Replays with axon-mongo's own tokens run every @DisallowReplay handler and slow down
        // quadratically: see ReplaySafeMongoTrackingToken.
        MongoEventStorageEngine engine = new ReplaySafeMongoEventStorageEngine(MongoEventStorageEngine.builder()
                .mongoTemplate(axonMongoTemplate)
                .eventSerializer(eventSerializer)
                .snapshotSerializer(serializer)
                .upcasterChain(configuration.upcasterChain())
                .snapshotFilter(configuration.snapshotFilter())
                .batchSize(tuning.eventBatchSize()));
        engine.ensureIndexes();
        return engine;
    }

    /** Replaces the autoconfigured one (named eventBus) so the store above is the event bus. */
    @Bean
    EmbeddedEventStore eventStore(
            EventStorageEngine eventStorageEngine,
            org.axonframework.config.Configuration configuration,
            AxonTuning tuning) {
        return EmbeddedEventStore.builder()
                .storageEngine(eventStorageEngine)
                .cachedEvents(tuning.cachedEvents())
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .build();
    }

    /** Mongo's token store without the idle claim checks that cannot find anything: see ClaimAwareTokenStore. */
    @Bean
    TokenStore tokenStore(MongoTemplate axonMongoTemplate, Serializer serializer, AxonTuning tuning) {
        return new ClaimAwareTokenStore(
                MongoTokenStore.builder()
                        .mongoTemplate(axonMongoTemplate)
                        .serializer(serializer)
                        .claimTimeout(tuning.tokenClaimTimeout())
                        .build(),
                java.time.Clock.systemUTC());
    }

    /**
     * MongoSagaStore declares no index of its own, yet every event a saga processor handles looks up sagas
     * by association ({@code sagaType} and one {@code {key, value}} element of {@code associations}) and
     * every saga change finds its document by {@code sagaIdentifier}: without these two indexes each is a
     * scan of all live sagas (real MongoDB and the embedded server alike). Wrapped in a journal that outlives
     * the ended sagas (see {@link JournalingSagaStore}).
     */
    @Bean
    SagaStore<Object> sagaStore(
            MongoTemplate axonMongoTemplate, Serializer serializer, MongoDatabaseFactory databaseFactory) {
        MongoCollection<Document> sagas = axonMongoTemplate.sagaCollection();
        sagas.createIndex(Indexes.ascending(SAGA_IDENTIFIER), new IndexOptions().name("sagaIdentifierIndex"));
        sagas.createIndex(
                Indexes.ascending(SAGA_TYPE, SAGA_ASSOCIATIONS), new IndexOptions().name("sagaAssociationIndex"));
        SagaStore<Object> store = MongoSagaStore.builder()
                .mongoTemplate(axonMongoTemplate)
                .serializer(serializer)
                .build();
        return new JournalingSagaStore(
                store,
                databaseFactory.getMongoDatabase().getCollection(JournalingSagaStore.COLLECTION),
                java.time.Clock.systemUTC());
    }

    /**
     * Processors without explicit settings are pooled streaming: they read the event store (which makes
     * it the outbox), can be split by segment across instances, and one coordinator reads the store for
     * all segments. Batch size, segments, claim interval, timeout and renewal: see {@link AxonTuning}.
     */
    @Autowired
    void pooledStreamingByDefault(
            EventProcessingConfigurer processing,
            AxonTuning tuning,
            @Value("${sandpod.axon.claim-segments:true}") boolean claimSegments) {
        processing.usingPooledStreamingEventProcessors((configuration, builder) -> builder.messageSource(
                        configuration.getComponent(
                                CommitNotifyingEventSource.class,
                                () -> new CommitNotifyingEventSource(configuration.eventStore())))
                .initialSegmentCount(tuning.initialSegments())
                .batchSize(tuning.processorBatchSize())
                .tokenClaimInterval(tuning.tokenClaimInterval().toMillis())
                .claimExtensionThreshold(tuning.claimExtensionThreshold().toMillis())
                // An instance without the processors role (SANDPOD_ROLES) claims no segment: its processors
                // exist (their status can be read) but handle nothing; the processor instances share the work.
                .maxClaimedSegments(claimSegments ? Short.MAX_VALUE : 0));
    }
}
