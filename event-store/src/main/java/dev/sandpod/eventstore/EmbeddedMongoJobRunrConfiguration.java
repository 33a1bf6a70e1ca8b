package dev.sandpod.eventstore;

import com.mongodb.client.MongoClient;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.storage.StorageProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Persistent deadlines: with a JobScheduler bean present, Axon autoconfigures its JobRunrDeadlineManager,
 * so deadlines are JobRunr jobs in Mongo and survive a restart. On the embedded Mongo-wire server the
 * starter's storage provider fails in a migration; this one replaces it (same bean name, the starter's
 * backs off) and only there: the embedded server, or an external one that is a Mongo-wire server too
 * ({@code sandpod.mongodb.mongo-wire=true}, e.g. the embedded server run on its own).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${sandpod.mongodb.mongo-wire:${sandpod.embedded.mongo:false}}")
class EmbeddedMongoJobRunrConfiguration {

    @Bean(name = "storageProvider", destroyMethod = "close")
    StorageProvider storageProvider(
            MongoClient mongoClient,
            JobMapper jobMapper,
            @Value("${jobrunr.database.database-name:sandpod}") String databaseName) {
        MongoWireJobRunrStorageProvider storageProvider =
                new MongoWireJobRunrStorageProvider(mongoClient, databaseName);
        storageProvider.setJobMapper(jobMapper);
        return storageProvider;
    }
}
