package dev.sandpod.app.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;
import org.junit.jupiter.api.Test;

class ReplaySafeMongoTrackingTokenTest {

    private static final Duration LOOK_BACK = Duration.ofSeconds(1);
    private static final Instant T = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void coversAsAxonMongoDoesWhenItKnowsEvents() {
        Random random = new Random(9);
        for (int round = 0; round < 2_000; round++) {
            MongoTrackingToken plainA = walk(random, 1 + random.nextInt(6));
            MongoTrackingToken plainB = walk(random, 1 + random.nextInt(6));
            TrackingToken safeA = ReplaySafeMongoTrackingToken.from(plainA);
            TrackingToken safeB = ReplaySafeMongoTrackingToken.from(plainB);
            assertThat(safeA.covers(safeB)).as("%s covers %s", plainA, plainB).isEqualTo(plainA.covers(plainB));
            assertThat(safeA.covers(plainB)).isEqualTo(plainA.covers(plainB));
        }
    }

    @Test
    void aTokenThatKnowsNoEventCoversTheEventsBeforeItsTime() {
        TrackingToken head = ReplaySafeMongoTrackingToken.of(T, Map.of());
        MongoTrackingToken before = MongoTrackingToken.of(T.minusSeconds(30), "old");
        MongoTrackingToken at = MongoTrackingToken.of(T, "now");
        MongoTrackingToken after = MongoTrackingToken.of(T.plusMillis(1), "new");

        assertThat(head.covers(before)).isTrue();
        assertThat(head.covers(at)).as("a tail token at its first event must not skip it").isFalse();
        assertThat(head.covers(after)).isFalse();
    }

    @Test
    void aReplayUpToAHeadTokenMarksOlderEventsAsReplayedWithoutGrowingTheToken() {
        TrackingToken head = ReplaySafeMongoTrackingToken.of(T, Map.of());
        TrackingToken replay = ReplayToken.createReplayToken(head);
        TrackingToken position = null;
        for (int i = 0; i < 200; i++) {
            Instant time = T.minusSeconds(200).plusSeconds(i);
            position = position == null
                    ? ReplaySafeMongoTrackingToken.from(MongoTrackingToken.of(time, "e" + i))
                    : ((MongoTrackingToken) position).advanceTo(time, "e" + i, LOOK_BACK);
            replay = ((ReplayToken) replay).advancedTo(position);
            assertThat(ReplayToken.isReplay(replay)).as("event %d", i).isTrue();
        }
        assertThat(((MongoTrackingToken) ((ReplayToken) replay).getTokenAtReset()).getTrackedEvents()).isEmpty();

        TrackingToken later = ((MongoTrackingToken) position).advanceTo(T.plusSeconds(1), "later", LOOK_BACK);
        assertThat(ReplayToken.isReplay(((ReplayToken) replay).advancedTo(later))).isFalse();
    }

    /** A token as a stream builds it: events a few milliseconds apart, sometimes out of order. */
    private static MongoTrackingToken walk(Random random, int events) {
        Instant time = T.plusMillis(random.nextInt(3000));
        MongoTrackingToken token = MongoTrackingToken.of(time, "e" + random.nextInt(12));
        for (int i = 1; i < events; i++) {
            time = time.plusMillis(random.nextInt(900) - 200);
            String id = "e" + random.nextInt(12);
            if (!token.getKnownEventIds().contains(id)) {
                token = token.advanceTo(time, id, LOOK_BACK);
            }
        }
        return token;
    }
}
