package dev.sandpod.eventstore;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;

/**
 * axon-mongo's tracking token with bounds that {@code ReplayToken} can work with, and whose window of
 * known events is shared with the tokens that follow it.
 *
 * <p><b>Bounds.</b> Axon 4.13.0 decides whether a replayed event was handled before the reset by asking
 * {@code tokenAtReset.lowerBound(eventToken).samePositionAs(eventToken)}. {@link MongoTrackingToken}'s
 * lower bound is the intersection of the two tokens' known event ids, which is empty for any event older
 * than the last second before the reset, so every replayed event counts as new
 * (AxonFramework issue 4453, fixed there after 4.13.0): {@code @DisallowReplay} handlers run during a
 * replay, and each event's ids are merged into the stored token, which grows with the whole history —
 * replays slow down quadratically (AxonFramework/extension-mongo issue 9). Here a bound of two tokens one
 * of which covers the other is that other token (lower bound) or the covering one (upper bound), which is
 * what "covers" means; only tokens that do not cover each other (events committed out of timestamp order)
 * fall back to axon-mongo's intersection and union. That is the check Axon's own fix adds.
 *
 * <p><b>Shared window.</b> A Mongo tracking token carries the id and time of every event of its last
 * second (the look-back), in the order they were read: a history written at R events/s gives tokens of R
 * entries. axon-mongo copies that map for every event it advances over, and {@code covers} walks it, so a
 * replay cost O(R) per event (issue 9: 1 500 ids per token for a history appended at 1 500 ev/s). Here the
 * entries live in one append-only {@link TrackedEventLog} that successive tokens share; a token is a range
 * {@code [start, end)} of it: advancing appends one entry and moves the start past the entries that left
 * the look-back (the same trim as axon-mongo's: from the oldest read, stopping at the first one still
 * inside it), O(1) per event. A token never sees entries appended after it (its end is fixed), so an older
 * token keeps its own window exactly. When a token that is not the newest of its log is advanced (two
 * streams continuing from one token), the follower gets a log of its own, copied from its predecessor's
 * window; when a log's dead prefix outgrows its window, the next token moves to a compacted copy, so a log
 * stays within about twice its window. Each token also keeps the oldest and newest time of its window,
 * which makes the common {@code covers} answers O(1).
 *
 * <p><b>Stored form.</b> Unchanged: {@code timestamp} and {@code trackedEvents} (id → time, in reading
 * order), through {@link MongoTrackingToken}'s getters; tokens stored by axon-mongo's type or by earlier
 * versions of this one read back as this type, and the JSON this one writes reads back as either.
 * Stored tokens of the plain type keep working: the storage strategy turns them into this type before
 * reading on ({@link ReplaySafeStorageStrategy}); the engine makes its head and time-based tokens of this
 * type ({@link ReplaySafeMongoEventStorageEngine}).
 */
public final class ReplaySafeMongoTrackingToken extends MongoTrackingToken {

    @Serial
    private static final long serialVersionUID = 2L;

    private final long timestamp;
    private final transient TrackedEventWindow window;
    /** Oldest and newest time in the window; MAX/MIN when it is empty. */
    private final transient long oldest;

    private final transient long newest;
    private transient int hash;

    /** Made by {@link TrackedEventLog}, which knows the window's oldest and newest time. */
    ReplaySafeMongoTrackingToken(long timestamp, TrackedEventWindow window, long oldest, long newest) {
        super(timestamp, window);
        this.timestamp = timestamp;
        this.window = window;
        this.oldest = oldest;
        this.newest = newest;
    }

    @JsonCreator
    public static ReplaySafeMongoTrackingToken of(
            @JsonProperty("timestamp") Instant timestamp,
            @JsonProperty("trackedEvents") Map<String, Long> trackedEvents) {
        return of(timestamp.toEpochMilli(), trackedEvents);
    }

    private static ReplaySafeMongoTrackingToken of(long timestamp, Map<String, Long> trackedEvents) {
        int size = trackedEvents == null ? 0 : trackedEvents.size();
        String[] ids = new String[size];
        long[] times = new long[size];
        int i = 0;
        if (trackedEvents != null) {
            for (Map.Entry<String, Long> entry : trackedEvents.entrySet()) {
                ids[i] = entry.getKey();
                times[i] = entry.getValue();
                i++;
            }
        }
        return new TrackedEventLog(ids, times, size).whole(timestamp);
    }

    /** The token of a stream's first event. */
    static ReplaySafeMongoTrackingToken first(long timestamp, String eventIdentifier) {
        return new TrackedEventLog(new String[] {eventIdentifier}, new long[] {timestamp}, 1).whole(timestamp);
    }

    /** The same position as this type; null and tokens of other types as they are. */
    static TrackingToken from(TrackingToken token) {
        if (token instanceof MongoTrackingToken mongo && !(token instanceof ReplaySafeMongoTrackingToken)) {
            return of(mongo.getTimestamp().toEpochMilli(), mongo.getTrackedEvents());
        }
        return token;
    }

    /** Whether this token's window holds the event (a cheaper {@code getKnownEventIds().contains(id)}). */
    boolean knows(String eventIdentifier) {
        return window.containsKey(eventIdentifier);
    }

    long timestampMillis() {
        return timestamp;
    }

    /** How many of the events this token knows were stored at a time in {@code [from, to]} (milliseconds). */
    int knownBetween(long from, long to) {
        if (oldest >= from && newest <= to) {
            return window.size();
        }
        int count = 0;
        for (Long at : window.values()) {
            if (at != null && at >= from && at <= to) {
                count++;
            }
        }
        return count;
    }

    /**
     * As axon-mongo's (other's time not after this one's, and every event other knows that this one does
     * not is older than this one's oldest), with two changes. A token that knows no event (a head, tail or
     * time-based token at time T) covers the events before T; axon-mongo's takes the epoch as its oldest
     * known event then (AxonFramework/extension-mongo issue 9), so it covers nothing, and a new processor,
     * which starts with a replay up to the head, took the whole history for new events. And it answers in
     * constant time when the other token's events all predate this one's (the common case in a replay), and
     * in time proportional to how far apart they are when both share a log (the other common case: a
     * processor asking whether the last event it scheduled covers the next one).
     */
    @Override
    public boolean covers(TrackingToken other) {
        if (other == this) {
            return true;
        }
        if (!(other instanceof MongoTrackingToken mongo)) {
            return super.covers(other);
        }
        if (other instanceof ReplaySafeMongoTrackingToken safe) {
            if (safe.timestamp > timestamp) {
                return false;
            }
            if (window.isEmpty()) {
                return safe.newest < timestamp;
            }
            if (safe.newest < oldest) {
                return true;
            }
            TrackedEventWindow theirs = safe.window;
            if (theirs.log == window.log) {
                return olderThanOldest(theirs.start, Math.min(theirs.end, window.start))
                        && olderThanOldest(Math.max(theirs.start, window.end), theirs.end);
            }
            return everyUnknownOlderThanOldest(theirs);
        }
        long otherTimestamp = mongo.getTimestamp().toEpochMilli();
        if (otherTimestamp > timestamp) {
            return false;
        }
        Map<String, Long> theirs = mongo.getTrackedEvents();
        long otherNewest = Long.MIN_VALUE;
        for (Long time : theirs.values()) {
            otherNewest = Math.max(otherNewest, time);
        }
        if (window.isEmpty()) {
            return otherNewest < timestamp;
        }
        return otherNewest < oldest || everyUnknownOlderThanOldest(theirs);
    }

    /** Entries {@code [from, to)} of this token's log are all older than this token's oldest. */
    private boolean olderThanOldest(int from, int to) {
        long[] times = window.log.times;
        for (int i = from; i < to; i++) {
            if (times[i] >= oldest) {
                return false;
            }
        }
        return true;
    }

    private boolean everyUnknownOlderThanOldest(Map<String, Long> events) {
        for (Map.Entry<String, Long> event : events.entrySet()) {
            if (event.getValue() >= oldest && !window.containsKey(event.getKey())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public MongoTrackingToken advanceTo(Instant timestamp, String eventIdentifier, Duration lookBackTime) {
        return advance(timestamp.toEpochMilli(), eventIdentifier, lookBackTime.toMillis());
    }

    /** {@link #advanceTo} in milliseconds, O(1): shares this token's log when this is its newest token. */
    ReplaySafeMongoTrackingToken advance(long eventTime, String eventIdentifier, long lookBackMillis) {
        if (window.containsKey(eventIdentifier)) {
            throw new IllegalArgumentException(String.format(
                    "The event to advance to [%s] should not be one of the token's known events", eventIdentifier));
        }
        long newTimestamp = Math.max(eventTime, timestamp);
        long cutOff = newTimestamp - lookBackMillis;
        ReplaySafeMongoTrackingToken next = window.log.append(window, eventIdentifier, eventTime, newTimestamp, cutOff);
        if (next == null) {
            // Not the newest token of its log (someone advanced from it before): continue on a copy.
            next = window.log
                    .copy(window.start, window.end)
                    .append(null, eventIdentifier, eventTime, newTimestamp, cutOff);
        }
        return next;
    }

    @Override
    public TrackingToken lowerBound(TrackingToken other) {
        if (other instanceof MongoTrackingToken mongo) {
            if (covers(mongo)) {
                return from(mongo);
            }
            if (mongo.covers(this)) {
                return this;
            }
        }
        return from(super.lowerBound(other));
    }

    @Override
    public TrackingToken upperBound(TrackingToken other) {
        if (other instanceof MongoTrackingToken mongo) {
            if (covers(mongo)) {
                return this;
            }
            if (mongo.covers(this)) {
                return from(mongo);
            }
        }
        return from(super.upperBound(other));
    }

    /** Same class, time and known events (as axon-mongo's); tokens of one log compare their ranges. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ReplaySafeMongoTrackingToken that)
                || timestamp != that.timestamp
                || window.size() != that.window.size()) {
            return false;
        }
        if (window.log == that.window.log) {
            return window.isEmpty() || window.start == that.window.start;
        }
        return window.equals(that.window);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = super.hashCode();
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return "ReplaySafeMongoTrackingToken{timestamp=" + timestamp + ", trackedEvents=" + window + '}';
    }

    /**
     * Java serialization writes the plain form (time and a copy of the window). The proxy stays nested, as
     * the serialization-proxy pattern has it: it reads back through this class's private factory.
     */
    @Serial
    private Object writeReplace() {
        return new SerializedForm(timestamp, new LinkedHashMap<>(window));
    }

    private record SerializedForm(long timestamp, LinkedHashMap<String, Long> trackedEvents) implements Serializable {
        @Serial
        private Object readResolve() {
            return of(timestamp, trackedEvents);
        }
    }
}
