package dev.sandpod.query.operations;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.eventhandling.TrackingToken;

/**
 * What the processor operations need from the stores that only the application's wiring knows: the claims
 * in the token store (which instance owns which segment, at which token), how many events the event store
 * holds before and after a token, and what every instance must see alike: the desired run state of each
 * processor and the rebuilds under way.
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

    /**
     * The last rebuild of a projection as every instance sees it: when it began (to the millisecond, which
     * also identifies it), the events the store held then, and when it ended, or why it failed.
     */
    record Rebuild(Instant startedAt, long target, Instant finishedAt, String failure, String startedBy) {

        public boolean running() {
            return finishedAt == null && failure == null;
        }
    }

    /** The last rebuild of each projection that has been rebuilt, by processor name. */
    Map<String, Rebuild> rebuilds();

    /** The pause flags and the rebuilds at once: what the operations tick reads four times a second. */
    record Controls(Set<String> paused, Map<String, Rebuild> rebuilds) {}

    /**
     * {@link #pausedProcessors()} and {@link #rebuilds()} together; a store that keeps both in one place answers
     * with one read (an idle instance's tick is otherwise two store queries every 250 ms).
     */
    default Controls controls() {
        return new Controls(pausedProcessors(), rebuilds());
    }

    /** Records a rebuild that begins now, replacing the projection's previous one. */
    void rebuildStarted(String processorName, Rebuild rebuild);

    /** Ends the rebuild that began at {@code startedAt}, unless another instance ended it first. */
    void rebuildEnded(String processorName, Instant startedAt, Instant finishedAt, String failure);
}
