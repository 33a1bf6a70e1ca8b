package dev.sandpod.eventstore;

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
    /**
     * Documents per reply of a tracking query's cursor. A query may ask for more events than this (the
     * engine's batch size): its look-back is scanned once per query, the rest arrives in replies of this
     * size, which keeps each wire message around a megabyte whatever the batch size.
     */
    static final int CURSOR_BATCH = 1000;

    /** Known events in a token's look-back from which a query first checks whether it may skip it. */
    static final int WINDOW_CHECK_MIN = 100;

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
        String recorded = DateTimeUtils.formatInstant(
                Instant.ofEpochMilli(lastRecorded.accumulateAndGet(clock.millis(), Math::max)));
        String timestamp = eventConfiguration().timestampProperty();
        return super.createEventDocuments(events, serializer).peek(document -> document.put(timestamp, recorded));
    }

    /**
     * axon-mongo's tracking query (events from the token's time minus the look-back, except the ones the
     * token knows, in time and sequence order), with the tokens made here: {@link ReplaySafeMongoTrackingToken}s
     * advanced in O(1) per event from the first batch on (a stream that starts without a token or from a
     * stored token of axon-mongo's type included). The query asks for at most one batch ({@code limit}):
     * the reading below stops there anyway, and without it the server keeps a cursor open that the driver
     * has to close; the batch arrives in replies of {@link #CURSOR_BATCH}. Each event's time is parsed once
     * here, not again for its message.
     */
    @Override
    public List<? extends TrackedEventData<?>> findTrackedEvents(
            MongoCollection<Document> eventCollection, TrackingToken lastToken, int batchSize) {
        ReplaySafeMongoTrackingToken token = null;
        Bson filter = new Document();
        if (lastToken != null) {
            if (!(ReplaySafeMongoTrackingToken.from(lastToken) instanceof ReplaySafeMongoTrackingToken safe)) {
                throw new IllegalArgumentException(String.format("Token %s is of the wrong type", lastToken));
            }
            token = safe;
            filter = windowFullyKnown(eventCollection, token)
                    ? Filters.gt(
                            eventConfiguration().timestampProperty(),
                            DateTimeUtils.formatInstant(Instant.ofEpochMilli(token.timestampMillis())))
                    : Filters.and(
                            Filters.gte(
                                    eventConfiguration().timestampProperty(),
                                    DateTimeUtils.formatInstant(
                                            Instant.ofEpochMilli(token.timestampMillis() - LOOK_BACK_MILLIS))),
                            Filters.nin(eventConfiguration().eventIdentifierProperty(), token.getKnownEventIds()));
        }
        FindIterable<Document> query = eventCollection
                .find(filter)
                .sort(new Document(eventConfiguration().timestampProperty(), ORDER_ASC)
                        .append(eventConfiguration().sequenceNumberProperty(), ORDER_ASC))
                .batchSize(Math.min(batchSize, CURSOR_BATCH))
                .limit(batchSize);
        List<TrackedEventData<?>> events = new ArrayList<>(Math.min(batchSize, 1024));
        try (MongoCursor<Document> documents = query.iterator()) {
            while (events.size() < batchSize && documents.hasNext()) {
                Document document = documents.next();
                Iterator<? extends DomainEventData<?>> stored =
                        extractEvents(document).iterator();
                while (stored.hasNext()) {
                    DomainEventData<?> event = stored.next();
                    String id = event.getEventIdentifier();
                    if (token != null && token.knows(id)) {
                        continue;
                    }
                    Instant time = parseTime(document.get(eventConfiguration().timestampProperty()), event);
                    long millis = time.toEpochMilli();
                    token = token == null
                            ? ReplaySafeMongoTrackingToken.first(millis, id)
                            : token.advance(millis, id, LOOK_BACK_MILLIS);
                    events.add(new TrackedEntry<>(token, event, time));
                }
            }
        }
        return events;
    }

    /**
     * Whether the store holds no event in the token's look-back ({@code [time - 1 s, time]}) that the token has
     * not seen: as many events stored in it as the token knows there. Then the query can start after the token's
     * time instead of reading the whole look-back again only to drop the known events — which a catch-up or a
     * rebuild over a dense history did for every batch: a history written at R events/s has R events in each
     * second, so every batch of 1 000 read up to R more documents (bench/operations: a history appended at
     * thousands of events/s made the look-back most of the store's work). The count is one index range count;
     * only asked when the look-back holds at least {@link #WINDOW_CHECK_MIN} known events, below which reading
     * it costs less than asking. Any difference (a late commit inside the look-back) reads it as before.
     */
    private boolean windowFullyKnown(MongoCollection<Document> eventCollection, ReplaySafeMongoTrackingToken token) {
        long to = token.timestampMillis();
        long from = to - LOOK_BACK_MILLIS;
        int known = token.knownBetween(from, to);
        if (known < WINDOW_CHECK_MIN) {
            return false;
        }
        String time = eventConfiguration().timestampProperty();
        long stored = eventCollection.countDocuments(Filters.and(
                Filters.gte(time, DateTimeUtils.formatInstant(Instant.ofEpochMilli(from))),
                Filters.lte(time, DateTimeUtils.formatInstant(Instant.ofEpochMilli(to)))));
        return stored == known;
    }

    /**
     * The stored time: the text {@link DateTimeUtils#formatInstant} writes ({@code 2026-11-27T21:06:34.513Z})
     * read directly, which costs a fraction of the general ISO parser (that was a sixth of a replay's
     * reading thread); anything else through the event's own parser.
     */
    static Instant parseTime(Object stored, DomainEventData<?> event) {
        if (stored instanceof String text) {
            long millis = parseMillis(text);
            if (millis != Long.MIN_VALUE) {
                return Instant.ofEpochMilli(millis);
            }
        }
        return event.getTimestamp();
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in epoch milliseconds, or MIN_VALUE when the text has another form. */
    static long parseMillis(String text) {
        if (text.length() != 24
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':'
                || text.charAt(19) != '.'
                || text.charAt(23) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int milli = digits(text, 20, 3);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59
                || milli < 0) {
            return Long.MIN_VALUE;
        }
        if (day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return Long.MIN_VALUE;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return ((epochDay * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + milli;
    }

    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    @Override
    public TrackingToken createTailToken(MongoCollection<Document> eventsCollection) {
        return ReplaySafeMongoTrackingToken.from(super.createTailToken(eventsCollection));
    }
}
