package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.ChainingConverter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

/**
 * Tokens stored while the storage engine lived in the app module name {@code dev.sandpod.app.axon}: they read
 * back as the token of this module, alone (the token store's type) and inside a replay token ({@code @class}).
 */
class TokensStoredBeforeTheMoveReadBackTest {

    private static final String STORED_NAME = "dev.sandpod.app.axon.ReplaySafeMongoTrackingToken";
    private static final Instant T = Instant.parse("2026-03-01T12:00:00.250Z");

    private final Serializer serializer = new MetaDataReadingJacksonSerializer(JacksonSerializer.builder()
            .objectMapper(AxonSerializationConfiguration.objectMapper())
            .converter(new ChainingConverter()));

    private final ReplaySafeMongoTrackingToken token =
            ReplaySafeMongoTrackingToken.of(T, Map.of("event-1", T.toEpochMilli() - 400));

    @Test
    void aTokenStoredUnderItsOldClassNameReadsBack() {
        SerializedObject<String> written = serializer.serialize(token, String.class);
        SerializedObject<String> stored = new SimpleSerializedObject<>(
                written.getData(),
                String.class,
                new SimpleSerializedType(STORED_NAME, written.getType().getRevision()));

        assertThat(serializer.classForType(stored.getType())).isEqualTo(ReplaySafeMongoTrackingToken.class);
        assertThat((Object) serializer.deserialize(stored)).isEqualTo(token);
    }

    @Test
    void aReplayTokenStoredWithTheOldClassNameInsideReadsBack() {
        TrackingToken replay = ReplayToken.createReplayToken(
                token, ReplaySafeMongoTrackingToken.first(T.toEpochMilli() - 5000, "event-0"));
        SerializedObject<String> written = serializer.serialize(replay, String.class);
        String json = written.getData().replace(ReplaySafeMongoTrackingToken.class.getName(), STORED_NAME);
        assertThat(json).contains(STORED_NAME).doesNotContain(ReplaySafeMongoTrackingToken.class.getName());

        Object back = serializer.deserialize(new SimpleSerializedObject<>(json, String.class, written.getType()));
        assertThat(back).isEqualTo(replay);
        assertThat(((ReplayToken) back).getTokenAtReset()).isInstanceOf(ReplaySafeMongoTrackingToken.class);
    }
}
