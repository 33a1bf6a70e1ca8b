package dev.sandpod.app.axon;

import com.mongodb.client.MongoCollection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.DocumentPerEventStorageStrategy;
import org.axonframework.serialization.Serializer;
import org.bson.Document;

/**
 * axon-mongo's default storage (one document per event, one second of look-back) whose tracking tokens
 * are {@link ReplaySafeMongoTrackingToken}s. A token continued from one of that type stays of that type
 * ({@code advanceTo}); only the first events of a stream read from the start, and tail tokens, are
 * converted here.
 *
 * <p>Events are stored with the time they are recorded, not the time they were created. A tracking stream
 * reads from its token's time minus one second of look-back, so an event that becomes visible more than a
 * second after its stored time, behind events that are already read, is never delivered. Creation times
 * can be that old at commit: the events of commands a saga or policy sends join the unit of work of the
 * processor's whole batch and are stored when that batch commits, seconds later on a busy machine — one
 * such lost event left an execution waiting for its backstop. The time is taken just before the insert,
 * never goes back (one aggregate's events keep their order across commits), and the events of one commit
 * share it (they keep their order by sequence number).
 */
final class ReplaySafeStorageStrategy extends DocumentPerEventStorageStrategy {

    private final Clock clock;
    /** The last recording time handed out, in epoch milliseconds (the stored precision). */
    private final AtomicLong lastRecorded = new AtomicLong(Long.MIN_VALUE);

    ReplaySafeStorageStrategy() {
        this(Clock.systemUTC());
    }

    /** With the clock that tells the recording time (tests that lay down a history use their own). */
    ReplaySafeStorageStrategy(Clock clock) {
        this.clock = clock;
    }

    @Override
    protected Stream<Document> createEventDocuments(List<? extends EventMessage<?>> events, Serializer serializer) {
        String recorded = DateTimeUtils.formatInstant(Instant.ofEpochMilli(
                lastRecorded.accumulateAndGet(clock.millis(), Math::max)));
        String timestamp = eventConfiguration().timestampProperty();
        return super.createEventDocuments(events, serializer).peek(document -> document.put(timestamp, recorded));
    }

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
