package dev.sandpod.query.operations;

import java.util.List;
import java.util.Set;
import org.axonframework.eventhandling.TrackingToken;

/**
 * What the processor operations need from the stores that only the application's wiring knows: the claims
 * in the token store (which instance owns which segment, at which token), how many events the event store
 * holds before and after a token, and the desired run state of each processor, shared by every instance.
 */
public interface ProcessorStore {

    /** One segment's row in the token store. */
    record Claim(int segment, String owner, TrackingToken token) {}

    /** The segments of a streaming processor as the token store holds them, in segment order. */
    List<Claim> claims(String processorName);

    /** Events in the store. */
    long totalEvents();

    /** Events the token has not yet seen; every event for a null token. */
    long eventsAfter(TrackingToken token);

    /** The processors an admin paused (on every instance). */
    Set<String> pausedProcessors();

    void setPausedByAdmin(String processorName, boolean paused);
}
