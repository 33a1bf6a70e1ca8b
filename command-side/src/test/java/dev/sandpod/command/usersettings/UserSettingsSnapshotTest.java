package dev.sandpod.command.usersettings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import dev.sandpod.api.usersettings.ChangeUserSettingsCommand;
import dev.sandpod.api.usersettings.EditorPreferences;
import dev.sandpod.api.usersettings.RestoreUserSettingsCommand;
import dev.sandpod.api.usersettings.Theme;
import dev.sandpod.api.usersettings.UserSettingsPatch;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Snapshots of the settings go through Jackson, as in the Mongo store: a snapshot that lost a
 * field — the identifier above all — would save fine and break every later command. Each snapshot here is
 * serialized and read back before it is stored; the aggregate must then carry on from it.
 */
class UserSettingsSnapshotTest {

    private static final String USER = "user-1";
    private static final String ID = "user-settings:" + USER;
    private static final int THRESHOLD = 3;

    /** The settings of the app's own Axon serializer (AxonSerializationConfiguration). */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .addModule(new ParameterNamesModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final JacksonSerializer serializer =
            JacksonSerializer.builder().objectMapper(MAPPER).build();
    private RoundTripStorage storage;
    private Configuration axon;
    private CommandGateway commands;

    /** An in-memory store whose snapshots take the same Jackson round trip as in Mongo. */
    private final class RoundTripStorage extends InMemoryEventStorageEngine {
        private String lastSnapshotJson;

        @Override
        public void storeSnapshot(DomainEventMessage<?> snapshot) {
            SerializedObject<String> json = serializer.serialize(snapshot.getPayload(), String.class);
            lastSnapshotJson = json.getData();
            Object copy = serializer.deserialize(json);
            super.storeSnapshot(new GenericDomainEventMessage<>(
                    snapshot.getType(),
                    snapshot.getAggregateIdentifier(),
                    snapshot.getSequenceNumber(),
                    copy,
                    snapshot.getMetaData(),
                    snapshot.getIdentifier(),
                    snapshot.getTimestamp()));
        }
    }

    @BeforeEach
    void setUp() {
        storage = new RoundTripStorage();
        axon = DefaultConfigurer.defaultConfiguration()
                .configureEmbeddedEventStore(c -> storage)
                .configureSerializer(c -> serializer)
                .configureAggregate(AggregateConfigurer.defaultConfiguration(UserSettingsAggregate.class)
                        .configureSnapshotTrigger(
                                c -> new EventCountSnapshotTriggerDefinition(c.snapshotter(), THRESHOLD)))
                .registerComponent(SettingsTimeline.class, c -> new SettingsTimeline(c.eventStore()))
                .buildConfiguration();
        axon.start();
        commands = axon.commandGateway();
    }

    @AfterEach
    void tearDown() {
        axon.shutdown();
    }

    private long change(UserSettingsPatch patch) {
        return commands.sendAndWait(new ChangeUserSettingsCommand(ID, USER, patch, null));
    }

    @Test
    void afterASnapshotTheSettingsCarryOnFromIt() {
        for (int size = 10; size < 16; size++) {
            change(UserSettingsPatch.editor(new EditorPreferences(size, 4, false, true, true)));
        }
        Optional<DomainEventMessage<?>> snapshot = storage.readSnapshot(ID);

        assertThat(snapshot).isPresent();
        assertThat(storage.lastSnapshotJson)
                .contains("\"settingsId\":\"" + ID + "\"")
                .contains("\"revision\"")
                .contains("\"fontSize\":1");
        // the same value again is no change: only an aggregate that kept its state from the snapshot knows that
        assertThat(change(UserSettingsPatch.editor(new EditorPreferences(15, 4, false, true, true))))
                .isEqualTo(5L);
        assertThat(change(UserSettingsPatch.theme(Theme.DARK))).isEqualTo(6L);
        assertThat(change(UserSettingsPatch.custom("layout", Map.of("split", 0.5))))
                .isEqualTo(7L);
        assertThat(commands.<Long>sendAndWait(new RestoreUserSettingsCommand(ID, USER, Instant.now(), null)))
                .isEqualTo(8L);
    }
}
