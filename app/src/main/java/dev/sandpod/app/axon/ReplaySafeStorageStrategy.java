package dev.sandpod.app.axon;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.DocumentPerEventStorageStrategy;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.EventEntryConfiguration;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * axon-mongo's default storage (one document per event, one second of look-back) whose tracking tokens
 * are {@link ReplaySafeMongoTrackingToken}s: the tracking query's tokens are made here (a stored token of
 * axon-mongo's type is converted before reading on), and so are tail tokens.
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

    /** axon-mongo's default look-back of a tracking query (what the default constructor below sets). */
    static final long LOOK_BACK_MILLIS = 1000;

    private final Clock clock;
    /** The last recording time handed out, in epoch milliseconds (the stored precision). */
    private final AtomicLong lastRecorded = new AtomicLong(Long.MIN_VALUE);

    ReplaySafeStorageStrategy() {
        this(Clock.systemUTC());
    }

    /** With the clock that tells the recording time (tests that lay down a history use their own). */
    ReplaySafeStorageStrategy(Clock clock) {
        super(EventEntryConfiguration.getDefault(), Duration.ofMillis(LOOK_BACK_MILLIS));
        this.clock = clock;
    }

    @Override
    protected Stream<Document> createEventDocuments(List<? extends EventMessage<?>> events, Serializer serializer) {
        String recorded = DateTimeUtils.formatInstant(Instant.ofEpochMilli(
                lastRecorded.accumulateAndGet(clock.millis(), Math::max)));
        String timestamp = eventConfiguration().timestampProperty();
        return super.createEventDocuments(events, serializer).peek(document -> document.put(timestamp, recorded));
    }

    /**
     * axon-mongo's tracking query (events from the token's time minus the look-back, except the ones the
     * token knows, in time and sequence order), with the tokens made here: {@link ReplaySafeMongoTrackingToken}s
     * advanced in O(1) per event from the first batch on (a stream that starts without a token or from a
     * stored token of axon-mongo's type included). The query asks for at most one batch ({@code limit}):
     * the reading below stops there anyway, and without it the server keeps a cursor open that the driver
     * has to close. Each event's time is parsed once here, not again for its message.
     */
    @Override
    public List<? extends TrackedEventData<?>> findTrackedEvents(MongoCollection<Document> eventCollection,
                                                                TrackingToken lastToken, int batchSize) {
        ReplaySafeMongoTrackingToken token = null;
        Bson filter = new Document();
        if (lastToken != null) {
            if (!(ReplaySafeMongoTrackingToken.from(lastToken) instanceof ReplaySafeMongoTrackingToken safe)) {
                throw new IllegalArgumentException(String.format("Token %s is of the wrong type", lastToken));
            }
            token = safe;
            filter = Filters.and(
                    Filters.gte(eventConfiguration().timestampProperty(), DateTimeUtils.formatInstant(
                            Instant.ofEpochMilli(token.timestampMillis() - LOOK_BACK_MILLIS))),
                    Filters.nin(eventConfiguration().eventIdentifierProperty(), token.getKnownEventIds()));
        }
        FindIterable<Document> query = eventCollection.find(filter)
                .sort(new Document(eventConfiguration().timestampProperty(), ORDER_ASC)
                        .append(eventConfiguration().sequenceNumberProperty(), ORDER_ASC))
                .batchSize(batchSize)
                .limit(batchSize);
        List<TrackedEventData<?>> events = new ArrayList<>(Math.min(batchSize, 1024));
        try (MongoCursor<Document> documents = query.iterator()) {
            while (events.size() < batchSize && documents.hasNext()) {
                Iterator<? extends DomainEventData<?>> stored = extractEvents(documents.next()).iterator();
                while (stored.hasNext()) {
                    DomainEventData<?> event = stored.next();
                    String id = event.getEventIdentifier();
                    if (token != null && token.knows(id)) {
                        continue;
                    }
                    Instant time = event.getTimestamp();
                    long millis = time.toEpochMilli();
                    token = token == null ? ReplaySafeMongoTrackingToken.first(millis, id)
                            : token.advance(millis, id, LOOK_BACK_MILLIS);
                    events.add(new TrackedEntry<>(token, event, time));
                }
            }
        }
        return events;
    }

    /** A stored event with its token, and its time parsed once. */
    private record TrackedEntry<T>(TrackingToken trackingToken, DomainEventData<T> event, Instant timestamp)
            implements TrackedEventData<T>, DomainEventData<T> {

        @Override
        public String getType() {
            return event.getType();
        }

        @Override
        public String getAggregateIdentifier() {
            return event.getAggregateIdentifier();
        }

        @Override
        public long getSequenceNumber() {
            return event.getSequenceNumber();
        }

        @Override
        public String getEventIdentifier() {
            return event.getEventIdentifier();
        }

        @Override
        public Instant getTimestamp() {
            return timestamp;
        }

        @Override
        public SerializedObject<T> getMetaData() {
            return event.getMetaData();
        }

        @Override
        public SerializedObject<T> getPayload() {
            return event.getPayload();
        }
    }

    @Override
    public TrackingToken createTailToken(MongoCollection<Document> eventsCollection) {
        return ReplaySafeMongoTrackingToken.from(super.createTailToken(eventsCollection));
    }
}
