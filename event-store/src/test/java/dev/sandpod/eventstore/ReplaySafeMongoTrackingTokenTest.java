package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
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
        assertThat(head.covers(at))
                .as("a tail token at its first event must not skip it")
                .isFalse();
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
        assertThat(((MongoTrackingToken) ((ReplayToken) replay).getTokenAtReset()).getTrackedEvents())
                .isEmpty();

        TrackingToken later = ((MongoTrackingToken) position).advanceTo(T.plusSeconds(1), "later", LOOK_BACK);
        assertThat(ReplayToken.isReplay(((ReplayToken) replay).advancedTo(later)))
                .isFalse();
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

    /**
     * The same walk, event by event, with axon-mongo's token and this one: same time, same known events in
     * the same order, same answers to covers and same bounds against every earlier token of either walk.
     * Times jump back and forth (events of concurrent commits read out of time order), some ids repeat
     * after they left the window, and walks are long enough for logs to be compacted.
     */
    @Test
    void advancesCoversAndBoundsAsAxonMongoDoes() {
        Random random = new Random(42);
        for (int round = 0; round < 40; round++) {
            int events = 50 + random.nextInt(round < 30 ? 400 : 4_000);
            long lookBack = 1 + random.nextInt(round % 2 == 0 ? 50 : 1000);
            List<MongoTrackingToken> plain = new ArrayList<>();
            List<ReplaySafeMongoTrackingToken> safe = new ArrayList<>();
            long time = T.toEpochMilli();
            String firstId = "e0";
            plain.add(MongoTrackingToken.of(Instant.ofEpochMilli(time), firstId));
            safe.add(ReplaySafeMongoTrackingToken.first(time, firstId));
            for (int i = 1; i < events; i++) {
                time += random.nextInt(10) - 3;
                String id = "e" + (random.nextInt(8) == 0 ? random.nextInt(i) : i);
                MongoTrackingToken lastPlain = plain.get(plain.size() - 1);
                ReplaySafeMongoTrackingToken lastSafe = safe.get(safe.size() - 1);
                assertThat(lastSafe.knows(id))
                        .isEqualTo(lastPlain.getKnownEventIds().contains(id));
                if (lastPlain.getKnownEventIds().contains(id)) {
                    continue;
                }
                plain.add(lastPlain.advanceTo(Instant.ofEpochMilli(time), id, Duration.ofMillis(lookBack)));
                safe.add(lastSafe.advance(time, id, lookBack));
            }
            for (int i = 0; i < safe.size(); i++) {
                assertSameToken(safe.get(i), plain.get(i));
            }
            for (int check = 0; check < 300; check++) {
                int a = random.nextInt(safe.size());
                int b = Math.max(0, Math.min(safe.size() - 1, a + random.nextInt(40) - 20));
                if (random.nextInt(4) == 0) {
                    b = random.nextInt(safe.size());
                }
                assertThat(safe.get(a).covers(safe.get(b)))
                        .as("round %d: %d covers %d", round, a, b)
                        .isEqualTo(plain.get(a).covers(plain.get(b)));
                assertThat(safe.get(a).covers(plain.get(b)))
                        .isEqualTo(plain.get(a).covers(plain.get(b)));
                assertThat(safe.get(a).equals(safe.get(b)))
                        .isEqualTo(plain.get(a).equals(plain.get(b)));
                assertThat(((MongoTrackingToken) safe.get(a).lowerBound(safe.get(b))).getTrackedEvents())
                        .isEqualTo(((MongoTrackingToken) expectedLowerBound(plain.get(a), plain.get(b)))
                                .getTrackedEvents());
                assertThat(((MongoTrackingToken) safe.get(a).upperBound(safe.get(b))).getTrackedEvents())
                        .isEqualTo(((MongoTrackingToken) expectedUpperBound(plain.get(a), plain.get(b)))
                                .getTrackedEvents());
            }
        }
    }

    /** What the bounds were before the shared window: the covered/covering token, else axon-mongo's. */
    private static TrackingToken expectedLowerBound(MongoTrackingToken a, MongoTrackingToken b) {
        ReplaySafeMongoTrackingToken safeA = (ReplaySafeMongoTrackingToken) ReplaySafeMongoTrackingToken.from(a);
        if (safeA.covers(b)) {
            return b;
        }
        if (ReplaySafeMongoTrackingToken.from(b).covers(a)) {
            return a;
        }
        return a.lowerBound(b);
    }

    private static TrackingToken expectedUpperBound(MongoTrackingToken a, MongoTrackingToken b) {
        ReplaySafeMongoTrackingToken safeA = (ReplaySafeMongoTrackingToken) ReplaySafeMongoTrackingToken.from(a);
        if (safeA.covers(b)) {
            return a;
        }
        if (ReplaySafeMongoTrackingToken.from(b).covers(a)) {
            return b;
        }
        return a.upperBound(b);
    }

    private static void assertSameToken(ReplaySafeMongoTrackingToken safe, MongoTrackingToken plain) {
        assertThat(safe.getTimestamp()).isEqualTo(plain.getTimestamp());
        assertThat(new ArrayList<>(safe.getTrackedEvents().entrySet()))
                .isEqualTo(new ArrayList<>(plain.getTrackedEvents().entrySet()));
        assertThat(safe.getKnownEventIds()).isEqualTo(plain.getKnownEventIds());
        assertThat(safe).isEqualTo(ReplaySafeMongoTrackingToken.from(plain));
        assertThat(safe.hashCode())
                .isEqualTo(ReplaySafeMongoTrackingToken.from(plain).hashCode());
    }

    @Test
    void aTokenNeverSeesTheEventsOfTokensAdvancedFromIt() {
        ReplaySafeMongoTrackingToken first = ReplaySafeMongoTrackingToken.first(T.toEpochMilli(), "a");
        ReplaySafeMongoTrackingToken second = first.advance(T.toEpochMilli() + 1, "b", 1000);
        ReplaySafeMongoTrackingToken third = second.advance(T.toEpochMilli() + 2, "c", 1000);

        assertThat(first.getTrackedEvents()).containsExactly(Map.entry("a", T.toEpochMilli()));
        assertThat(first.knows("b")).isFalse();
        assertThat(second.getTrackedEvents()).containsOnlyKeys("a", "b");
        assertThat(second.getKnownEventIds()).doesNotContain("c");
        assertThat(third.getTrackedEvents()).containsOnlyKeys("a", "b", "c");
        assertThat(first.covers(second)).isFalse();
        assertThat(second.covers(first)).isTrue();
        assertThat(third.covers(second)).isTrue();

        // Two streams continuing from one token: each follower knows its own event only.
        ReplaySafeMongoTrackingToken branch = second.advance(T.toEpochMilli() + 2, "x", 1000);
        assertThat(branch.getTrackedEvents()).containsOnlyKeys("a", "b", "x");
        assertThat(third.getTrackedEvents()).containsOnlyKeys("a", "b", "c");
        assertThat(second.getTrackedEvents()).containsOnlyKeys("a", "b");
        assertThat(branch.covers(third)).isFalse();
        assertThat(third.covers(branch)).isFalse();
        assertThat(third.advance(T.toEpochMilli() + 3, "d", 1000).getTrackedEvents())
                .containsOnlyKeys("a", "b", "c", "d");
        assertThat(branch.advance(T.toEpochMilli() + 3, "c", 1000).getTrackedEvents())
                .containsOnlyKeys("a", "b", "x", "c");
        assertThat(third.knows("x")).isFalse();
    }

    @Test
    void tokensOfALongStreamStayWithinTheirLookBackAndShareNoMoreThanTheyMust() {
        ReplaySafeMongoTrackingToken token = ReplaySafeMongoTrackingToken.first(T.toEpochMilli(), "e0");
        List<ReplaySafeMongoTrackingToken> kept = new ArrayList<>();
        for (int i = 1; i < 20_000; i++) {
            token = token.advance(T.toEpochMilli() + i / 2, "e" + i, 100);
            if (i % 997 == 0) {
                kept.add(token);
            }
        }
        assertThat(token.getTrackedEvents()).hasSize(202);
        assertThat(token.knows("e19999")).isTrue();
        assertThat(token.knows("e19798")).isTrue();
        assertThat(token.knows("e19797")).isFalse();
        for (ReplaySafeMongoTrackingToken older : kept) {
            assertThat(older.getTrackedEvents().size()).isBetween(201, 202);
            assertThat(token.covers(older)).isTrue();
            assertThat(older.covers(token)).isFalse();
            Iterator<String> ids = older.getTrackedEvents().keySet().iterator();
            String last = null;
            while (ids.hasNext()) {
                last = ids.next();
            }
            assertThat(older.knows(last)).isTrue();
        }
    }

    @Test
    void storedFormIsAxonMongosInBothDirections() throws Exception {
        Serializer serializer = JacksonSerializer.builder()
                .objectMapper(AxonSerializationConfiguration.objectMapper())
                .build();
        ObjectMapper mapper = AxonSerializationConfiguration.objectMapper();
        MongoTrackingToken plain = MongoTrackingToken.of(T, "a")
                .advanceTo(T.plusMillis(5), "b", LOOK_BACK)
                .advanceTo(T.plusMillis(3), "c", LOOK_BACK);
        ReplaySafeMongoTrackingToken safe = ReplaySafeMongoTrackingToken.first(T.toEpochMilli(), "a")
                .advance(T.toEpochMilli() + 5, "b", 1000)
                .advance(T.toEpochMilli() + 3, "c", 1000);

        SerializedObject<byte[]> written = serializer.serialize(safe, byte[].class);
        SerializedObject<byte[]> writtenPlain = serializer.serialize(plain, byte[].class);
        JsonNode json = mapper.readTree(written.getData());
        assertThat(json).isEqualTo(mapper.readTree(writtenPlain.getData()));
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("timestamp", "trackedEvents");
        List<String> order = new ArrayList<>();
        json.get("trackedEvents").fieldNames().forEachRemaining(order::add);
        assertThat(order).containsExactly("a", "b", "c");

        // Ours read as axon-mongo's type, and axon-mongo's read as ours.
        MongoTrackingToken readPlain = mapper.readValue(written.getData(), MongoTrackingToken.class);
        assertThat(readPlain).isEqualTo(plain);
        ReplaySafeMongoTrackingToken readSafe =
                mapper.readValue(writtenPlain.getData(), ReplaySafeMongoTrackingToken.class);
        assertThat(readSafe).isEqualTo(safe);
        assertThat(new ArrayList<>(readSafe.getTrackedEvents().keySet())).containsExactly("a", "b", "c");
        Object back = serializer.deserialize(written);
        assertThat(back).isEqualTo(safe);
        assertThat(((ReplaySafeMongoTrackingToken) back)
                        .advance(T.toEpochMilli() + 6, "d", 1000)
                        .getTrackedEvents())
                .containsOnlyKeys("a", "b", "c", "d");

        // Inside a replay token, as a processor stores it during a replay.
        TrackingToken replay = ReplayToken.createReplayToken(safe, safe.advance(T.toEpochMilli() - 2000, "z", 1000));
        Object replayBack = serializer.deserialize(serializer.serialize(replay, byte[].class));
        assertThat(replayBack).isEqualTo(replay);
        assertThat(((ReplayToken) replayBack).getTokenAtReset()).isInstanceOf(ReplaySafeMongoTrackingToken.class);
    }

    @Test
    void javaSerializationKeepsTheWindow() throws Exception {
        ReplaySafeMongoTrackingToken token = ReplaySafeMongoTrackingToken.first(T.toEpochMilli(), "a")
                .advance(T.toEpochMilli() + 2000, "b", 1000)
                .advance(T.toEpochMilli() + 2001, "c", 1000);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(token);
        }
        Object read;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            read = in.readObject();
        }
        assertThat(read).isEqualTo(token);
        assertThat(((ReplaySafeMongoTrackingToken) read).getTrackedEvents())
                .isEqualTo(new LinkedHashMap<>(Map.of("b", T.toEpochMilli() + 2000, "c", T.toEpochMilli() + 2001)));
    }

    @Test
    void storedTimesAreReadAsAxonReadsThem() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            Instant time = Instant.ofEpochMilli(random.nextLong(-62_000_000_000_000L, 250_000_000_000_000L));
            String text = org.axonframework.common.DateTimeUtils.formatInstant(time);
            long expected =
                    org.axonframework.common.DateTimeUtils.parseInstant(text).toEpochMilli();
            long parsed = ReplaySafeStorageStrategy.parseMillis(text);
            assertThat(parsed == Long.MIN_VALUE || parsed == expected).as(text).isTrue();
            if (text.length() == 24) {
                assertThat(parsed).as(text).isEqualTo(expected);
            }
        }
        assertThat(ReplaySafeStorageStrategy.parseMillis("2026-02-30T10:00:00.000Z"))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(ReplaySafeStorageStrategy.parseMillis("2026-11-27T21:06:34.513+01:00"))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(ReplaySafeStorageStrategy.parseMillis("2024-02-29T23:59:59.999Z"))
                .isEqualTo(Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli());
    }
}
