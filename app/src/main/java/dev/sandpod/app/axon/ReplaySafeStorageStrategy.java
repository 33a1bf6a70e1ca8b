package dev.sandpod.app.axon;

import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.DocumentPerEventStorageStrategy;
import org.bson.Document;

/**
 * axon-mongo's default storage (one document per event, one second of look-back) whose tracking tokens
 * are {@link ReplaySafeMongoTrackingToken}s. A token continued from one of that type stays of that type
 * ({@code advanceTo}); only the first events of a stream read from the start, and tail tokens, are
 * converted here.
 */
final class ReplaySafeStorageStrategy extends DocumentPerEventStorageStrategy {

    @Override
    public List<? extends TrackedEventData<?>> findTrackedEvents(MongoCollection<Document> eventCollection,
                                                                TrackingToken lastToken, int batchSize) {
        List<? extends TrackedEventData<?>> events = super.findTrackedEvents(eventCollection, lastToken, batchSize);
        if (events.isEmpty() || events.get(events.size() - 1).trackingToken() instanceof ReplaySafeMongoTrackingToken) {
            return events;
        }
        List<TrackedEventData<?>> converted = new ArrayList<>(events.size());
        for (TrackedEventData<?> event : events) {
            TrackingToken token = ReplaySafeMongoTrackingToken.from(event.trackingToken());
            converted.add(event instanceof DomainEventData<?> domain ? new TrackedDomainEventData<>(token, domain) : event);
        }
        return converted;
    }

    @Override
    public TrackingToken createTailToken(MongoCollection<Document> eventsCollection) {
        return ReplaySafeMongoTrackingToken.from(super.createTailToken(eventsCollection));
    }
}
