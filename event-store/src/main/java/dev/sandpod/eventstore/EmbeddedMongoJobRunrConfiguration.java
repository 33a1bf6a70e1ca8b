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
 * backs off) and only there: the in-process server, or the same server run as a process of its own
 * ({@code sandpod.mongodb.wire-server}, {@code SANDPOD_MONGODB_WIRE_SERVER=true}: {@code ./sandpod cluster}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${sandpod.embedded.mongo:false} or ${sandpod.mongodb.wire-server:false}")
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
