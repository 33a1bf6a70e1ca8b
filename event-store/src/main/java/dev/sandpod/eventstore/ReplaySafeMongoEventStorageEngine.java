package dev.sandpod.eventstore;

import java.time.Clock;
import java.time.Instant;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;

/**
 * axon-mongo's storage engine whose tracking tokens are all {@link ReplaySafeMongoTrackingToken}s: the
 * ones read with events and tail tokens come from {@link ReplaySafeStorageStrategy}, head and
 * time-based tokens are made here.
 */
final class ReplaySafeMongoEventStorageEngine extends MongoEventStorageEngine {

    ReplaySafeMongoEventStorageEngine(MongoEventStorageEngine.Builder builder) {
        this(builder, Clock.systemUTC());
    }

    /** {@code clock} tells the time events are recorded with (see {@link ReplaySafeStorageStrategy}). */
    ReplaySafeMongoEventStorageEngine(MongoEventStorageEngine.Builder builder, Clock clock) {
        super(builder.storageStrategy(new ReplaySafeStorageStrategy(clock)));
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return ReplaySafeMongoTrackingToken.from(super.createTokenAt(dateTime));
    }
}
