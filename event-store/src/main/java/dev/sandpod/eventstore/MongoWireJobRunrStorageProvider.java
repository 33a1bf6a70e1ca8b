package dev.sandpod.eventstore;

import com.mongodb.client.MongoClient;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.nosql.common.migrations.NoSqlMigration;
import org.jobrunr.storage.nosql.mongo.MongoDBCreator;
import org.jobrunr.storage.nosql.mongo.MongoDBStorageProvider;

/**
 * JobRunr's Mongo storage minus the one migration the Mongo-wire server cannot run:
 * M007_UpdateJobsCollectionReplaceIndices calls {@code dropIndexes("*")}, which mongo-java-server
 * rejects. Skipping it costs nothing there, as that server ignores the secondary indexes M007 would
 * create anyway. Against a real MongoDB the stock provider of the starter is used.
 */
final class MongoWireJobRunrStorageProvider extends MongoDBStorageProvider {

    static final String UNSUPPORTED_MIGRATION = "M007_UpdateJobsCollectionReplaceIndices";

    MongoWireJobRunrStorageProvider(MongoClient mongoClient, String databaseName) {
        super(mongoClient, databaseName, null, DatabaseOptions.CREATE);
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
