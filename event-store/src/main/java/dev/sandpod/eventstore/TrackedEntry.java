package dev.sandpod.eventstore;

import java.time.Instant;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SerializedObject;

/** A stored event with its token, and its time parsed once ({@link ReplaySafeStorageStrategy}). */
record TrackedEntry<T>(TrackingToken trackingToken, DomainEventData<T> event, Instant timestamp)
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
