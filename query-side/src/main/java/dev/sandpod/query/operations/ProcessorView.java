package dev.sandpod.query.operations;

import java.time.Instant;
import java.util.List;

/**
 * One event processor as an admin sees it. {@code position} counts the events of the store the processor
 * has seen (the lowest of its segments), {@code lag} the events it has not seen yet; both are null for a
 * subscribing processor, which handles each event while it is published and so never lags.
 *
 * @param kind           {@code projection} (a read model, replayable), {@code saga} or {@code side_effect}
 *                       (Kafka dispatch, notification policy, the subscribing front-door processors): only
 *                       projections may be replayed
 * @param processorType  {@code pooled_streaming} or {@code subscribing}
 * @param state          {@code running}, {@code caught_up}, {@code replaying}, {@code paused}, {@code stopped}
 *                       or {@code error} (then {@code error} says why)
 * @param deadLetters    events parked in the processor's dead-letter queue; null when it has none
 */
public record ProcessorView(
        String name,
        String kind,
        String processorType,
        String state,
        String error,
        boolean replayable,
        Long position,
        Long lag,
        long head,
        Long deadLetters,
        List<SegmentView> segments,
        ReplayView replay) {

    /** A segment of a streaming processor: its owner (instance) in the token store, and where it is. */
    public record SegmentView(
            int segment, String owner, Long position, Long lag, boolean caughtUp, boolean replaying, String error) {}

    /**
     * The last rebuild of a projection, running or finished: events handled of the events the store held
     * at the reset, rate since the reset and the time still expected.
     */
    public record ReplayView(
            String status,
            Instant startedAt,
            Instant finishedAt,
            long position,
            long target,
            double progressPercent,
            double eventsPerSecond,
            Double etaSeconds) {}
}
