package dev.sandpod.query.operations;

import dev.sandpod.query.operations.ProcessorStore.Claim;
import dev.sandpod.query.operations.ProcessorStore.Rebuild;
import dev.sandpod.query.operations.ProcessorView.ReplayView;
import dev.sandpod.query.operations.ProcessorView.SegmentView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;

/**
 * One processor as the admin sees it ({@link ProcessorOperations}): its kind, segments and their owners from the
 * token store, position and lag in events, state, dead-letter count and a rebuild's progress (%, events/s, ETA).
 */
final class ProcessorViews {

    private final EventProcessingConfiguration processing;
    private final ProcessorStore store;
    private final Clock clock;

    ProcessorViews(EventProcessingConfiguration processing, ProcessorStore store, Clock clock) {
        this.processing = processing;
        this.store = store;
        this.clock = clock;
    }

    /** Events seen by the segment furthest behind. */
    long position(Map<Integer, TrackingToken> tokens, long total) {
        long lowest = Long.MAX_VALUE;
        for (TrackingToken token : tokens.values()) {
            lowest = Math.min(lowest, total - store.eventsAfter(current(token)));
        }
        return lowest == Long.MAX_VALUE ? 0 : lowest;
    }

    /** Each segment's token: this instance's live one where it has the segment, else the stored one. */
    Map<Integer, TrackingToken> tokens(String name, StreamingEventProcessor processor) {
        Map<Integer, TrackingToken> tokens = new java.util.TreeMap<>();
        for (Claim claim : store.claims(name)) {
            tokens.put(claim.segment(), claim.token());
        }
        processor.processingStatus().forEach((segment, status) -> tokens.put(segment, status.getTrackingToken()));
        return tokens;
    }

    static TrackingToken current(TrackingToken token) {
        return token instanceof ReplayToken replay ? replay.getCurrentToken() : token;
    }

    ProcessorView view(
            EventProcessor processor,
            long head,
            Map<String, Rebuild> rebuilds,
            Map<String, Map.Entry<Instant, Long>> rebuildPositions) {
        String name = processor.getName();
        Long deadLetters = processing
                .deadLetterQueue(name)
                .map(SequencedDeadLetterQueue::size)
                .orElse(null);
        if (!(processor instanceof StreamingEventProcessor streaming)) {
            String state = processor.isRunning() ? "running" : processor.isError() ? "error" : "stopped";
            String type = processor instanceof SubscribingEventProcessor ? "subscribing" : "other";
            return new ProcessorView(
                    name,
                    ProcessorOperations.kind(processor),
                    type,
                    state,
                    null,
                    false,
                    null,
                    null,
                    head,
                    deadLetters,
                    List.of(),
                    null);
        }
        Map<Integer, EventTrackerStatus> local = streaming.processingStatus();
        List<SegmentView> segments = new ArrayList<>();
        Map<Integer, Claim> claims = new java.util.TreeMap<>();
        store.claims(name).forEach(c -> claims.put(c.segment(), c));
        local.keySet().forEach(segment -> claims.putIfAbsent(segment, new Claim(segment, null, null)));
        long lowest = Long.MAX_VALUE;
        String error = null;
        for (Claim claim : claims.values()) {
            EventTrackerStatus status = local.get(claim.segment());
            TrackingToken token = status != null ? status.getTrackingToken() : claim.token();
            long lag = store.eventsAfter(current(token));
            long position = head - lag;
            lowest = Math.min(lowest, position);
            String segmentError = status != null && status.isErrorState() && status.getError() != null
                    ? String.valueOf(status.getError().getMessage())
                    : null;
            if (segmentError != null) {
                error = segmentError;
            }
            segments.add(new SegmentView(
                    claim.segment(),
                    claim.owner(),
                    position,
                    lag,
                    status != null ? status.isCaughtUp() : lag == 0,
                    status != null ? status.isReplaying() : ReplayToken.isReplay(token),
                    segmentError));
        }
        Long position = lowest == Long.MAX_VALUE ? null : lowest;
        Long lag = position == null ? null : head - position;
        ReplayView replay = replayView(rebuilds.get(name), rebuildPositions.get(name));
        boolean paused = store.pausedProcessors().contains(name);
        String state;
        if (streaming.isError() || error != null) {
            state = "error";
        } else if (paused) {
            state = "paused";
        } else if (replay != null && "replaying".equals(replay.status())) {
            state = "replaying";
        } else if (!streaming.isRunning()) {
            state = "stopped";
        } else if (lag != null && lag == 0) {
            state = "caught_up";
        } else {
            state = "running";
        }
        String kind = ProcessorOperations.kind(processor);
        return new ProcessorView(
                name,
                kind,
                "pooled_streaming",
                state,
                error,
                ProcessorOperations.PROJECTION.equals(kind),
                position,
                lag,
                head,
                deadLetters,
                segments,
                replay);
    }

    private ReplayView replayView(Rebuild replay, Map.Entry<Instant, Long> followed) {
        if (replay == null) {
            return null;
        }
        Instant end = replay.finishedAt() != null ? replay.finishedAt() : clock.instant();
        double seconds =
                Math.max(0.001, Duration.between(replay.startedAt(), end).toMillis() / 1000.0);
        long position = replay.finishedAt() != null && replay.failure() == null
                ? replay.target()
                : followed != null && followed.getKey().equals(replay.startedAt()) ? followed.getValue() : 0L;
        double rate = position / seconds;
        double percent = replay.target() == 0 ? 100.0 : Math.min(100.0, 100.0 * position / replay.target());
        Double eta =
                replay.finishedAt() != null ? Double.valueOf(0) : rate > 0 ? (replay.target() - position) / rate : null;
        String status = replay.failure() != null ? "failed" : replay.finishedAt() != null ? "finished" : "replaying";
        return new ReplayView(
                status,
                replay.startedAt(),
                replay.finishedAt(),
                position,
                replay.target(),
                Math.round(percent * 10) / 10.0,
                Math.round(rate * 10) / 10.0,
                eta == null ? null : Math.round(eta * 10) / 10.0);
    }
}
