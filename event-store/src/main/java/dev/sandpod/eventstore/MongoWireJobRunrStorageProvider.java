package dev.sandpod.eventstore;

import com.mongodb.client.MongoClient;
import java.time.Duration;
import java.time.Instant;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.nosql.common.migrations.NoSqlMigration;
import org.jobrunr.storage.nosql.mongo.MongoDBCreator;
import org.jobrunr.storage.nosql.mongo.MongoDBStorageProvider;

/**
 * JobRunr's Mongo storage minus the one migration the Mongo-wire server cannot run:
 * M007_UpdateJobsCollectionReplaceIndices calls {@code dropIndexes("*")}, which mongo-java-server
 * rejects. Skipping it costs nothing there, as that server ignores the secondary indexes M007 would
 * create anyway. Against a real MongoDB the stock provider of the starter is used.
 *
 * <p>It also forgets the background-job servers its data remembers. The embedded store's data file is
 * held by one process at a time, so every server recorded there is a predecessor that is gone: one
 * killed, or the one running when a backup was taken. JobRunr lets only its longest-running server move
 * due deadlines to the queue, and would count such a record as alive until its heartbeat times out, so
 * overdue deadlines (the backstop that ends a run lost in flight) would wait 20 s or more after a
 * restart or a restore before firing.
 */
final class MongoWireJobRunrStorageProvider extends MongoDBStorageProvider {

    static final String UNSUPPORTED_MIGRATION = "M007_UpdateJobsCollectionReplaceIndices";

    /** Any heartbeat before now plus this is a predecessor's (clocks of one machine, with room for skew). */
    private static final Duration PREDECESSORS_HEARTBEAT_HORIZON = Duration.ofDays(1);

    MongoWireJobRunrStorageProvider(MongoClient mongoClient, String databaseName) {
        super(mongoClient, databaseName, null, DatabaseOptions.CREATE);
        removeTimedOutBackgroundJobServers(Instant.now().plus(PREDECESSORS_HEARTBEAT_HORIZON));
    }

    @Override
    protected void runMigrations(MongoClient mongoClient, String databaseName, String collectionPrefix) {
        new MongoDBCreator(mongoClient, databaseName, collectionPrefix) {
            @Override
            protected boolean isValidMigration(NoSqlMigration migration) {
                return !migration.getClassName().contains(UNSUPPORTED_MIGRATION);
            }
        }.runMigrations();
    }
}
