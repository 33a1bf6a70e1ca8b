package dev.sandpod.app.axon;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;

/**
 * axon-mongo's tracking token with bounds that {@code ReplayToken} can work with.
 *
 * <p>Axon 4.13.0 decides whether a replayed event was handled before the reset by asking
 * {@code tokenAtReset.lowerBound(eventToken).samePositionAs(eventToken)}. {@link MongoTrackingToken}'s
 * lower bound is the intersection of the two tokens' known event ids, which is empty for any event older
 * than the last second before the reset, so every replayed event counts as new
 * (AxonFramework issue 4453, fixed there after 4.13.0): {@code @DisallowReplay} handlers run during a
 * replay, and each event's ids are merged into the stored token, which grows with the whole history —
 * replays slow down quadratically (AxonFramework/extension-mongo issue 9).
 *
 * <p>Here a bound of two tokens one of which covers the other is that other token (lower bound) or the
 * covering one (upper bound), which is what "covers" means; only tokens that do not cover each other
 * (events committed out of timestamp order) fall back to axon-mongo's intersection and union. That is
 * the check Axon's own fix adds. Stored tokens of the plain type keep working: the storage strategy turns
 * them into this type from the next event on ({@link ReplaySafeStorageStrategy}); the engine makes its
 * head and time-based tokens of this type ({@link ReplaySafeMongoEventStorageEngine}).
 */
public final class ReplaySafeMongoTrackingToken extends MongoTrackingToken {

    private static final long serialVersionUID = 1L;
    /** Derived from the known events on first use (null until then, and after Java deserialization). */
    private transient volatile Long oldest;
    private transient volatile Long newest;

    private ReplaySafeMongoTrackingToken(long timestamp, Map<String, Long> trackedEvents) {
        super(timestamp, trackedEvents);
    }

    @JsonCreator
    public static ReplaySafeMongoTrackingToken of(@JsonProperty("timestamp") Instant timestamp,
                                                  @JsonProperty("trackedEvents") Map<String, Long> trackedEvents) {
        return new ReplaySafeMongoTrackingToken(timestamp.toEpochMilli(), trackedEvents);
    }

    /** The same position as this type; null and tokens of other types as they are. */
    static TrackingToken from(TrackingToken token) {
        if (token instanceof MongoTrackingToken mongo && !(token instanceof ReplaySafeMongoTrackingToken)) {
            // The known-events map is never changed after construction: sharing it is safe.
            return new ReplaySafeMongoTrackingToken(mongo.getTimestamp().toEpochMilli(), mongo.getTrackedEvents());
        }
        return token;
    }

    /**
     * As axon-mongo's, with two changes. A token that knows no event (a head, tail or time-based token at
     * time T) covers the events before T; axon-mongo's takes the epoch as its oldest known event then
     * (AxonFramework/extension-mongo issue 9), so it covers nothing, and a new processor, which starts with
     * a replay up to the head, took the whole history for new events. And it answers in constant time when
     * the other token's events all predate this one's (the common case in a replay, where a processor asks
     * this several times per event) instead of looking up each of them.
     */
    @Override
    public boolean covers(TrackingToken other) {
        if (other == this) {
            return true;
        }
        if (!(other instanceof MongoTrackingToken mongo)) {
            return super.covers(other);
        }
        long timestamp = getTimestamp().toEpochMilli();
        if (mongo.getTimestamp().toEpochMilli() > timestamp) {
            return false;
        }
        long otherNewest = newest(mongo);
        if (getTrackedEvents().isEmpty()) {
            return otherNewest < timestamp;
        }
        return otherNewest < oldest() || super.covers(other);
    }

    /** Time of the oldest event this token knows; computed once, tokens do not change. */
    private long oldest() {
        Long value = oldest;
        if (value == null) {
            value = getTrackedEvents().values().stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
            oldest = value;
        }
        return value;
    }

    private long newest() {
        Long value = newest;
        if (value == null) {
            value = getTrackedEvents().values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
            newest = value;
        }
        return value;
    }

    private static long newest(MongoTrackingToken token) {
        return token instanceof ReplaySafeMongoTrackingToken safe ? safe.newest()
                : token.getTrackedEvents().values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    }

    @Override
    public MongoTrackingToken advanceTo(Instant timestamp, String eventIdentifier, Duration lookBackTime) {
        return (MongoTrackingToken) from(super.advanceTo(timestamp, eventIdentifier, lookBackTime));
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
}
