package dev.sandpod.projections.usersettings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.usersettings.SettingsHistoryEntryView;
import dev.sandpod.api.usersettings.Theme;
import dev.sandpod.api.usersettings.UserPreferences;
import dev.sandpod.api.usersettings.UserSettingsChangedEvent;
import dev.sandpod.api.usersettings.UserSettingsPatch;
import dev.sandpod.api.usersettings.UserSettingsRestoredEvent;
import dev.sandpod.projections.support.InMemoryMongo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The settings read model and history against a real Mongo wire protocol server (in memory). */
@ExtendWith(InMemoryMongo.class)
class UserSettingsProjectionTest {

    private static final String USER = "user-1";
    private static final String ID = "user-settings:" + USER;
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    private static final UserPreferences LIGHT =
            UserSettingsPatch.theme(Theme.LIGHT).applyTo(UserPreferences.DEFAULTS);
    private static final UserPreferences DARK =
            UserSettingsPatch.theme(Theme.DARK).applyTo(LIGHT);

    private UserSettingsProjection projection;
    private UserSettingsReadModel readModel;

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        projection = new UserSettingsProjection(mongo);
        readModel = new UserSettingsReadModel(mongo);
    }

    private static EventMessage<?> message(Object payload, long sequence, Instant at) {
        return new GenericDomainEventMessage<>(
                "UserSettingsAggregate", ID, sequence, payload, MetaData.emptyInstance(), "event-" + sequence, at);
    }

    private void change(UserPreferences before, UserPreferences after, long sequence) {
        var event = new UserSettingsChangedEvent(ID, USER, before, after, List.of(), null);
        projection.on(event, message(event, sequence, T0.plusSeconds(sequence)), sequence);
    }

    @Test
    void aUserWithoutChangesHasTheDefaultsAtVersionOne() {
        var view = readModel.of(USER);

        assertThat(view.settings()).isEqualTo(UserPreferences.DEFAULTS);
        assertThat(view.version()).isEqualTo(1);
    }

    @Test
    void theCurrentSettingsFollowTheEventsAndCountTheirVersion() {
        change(UserPreferences.DEFAULTS, LIGHT, 0);
        change(LIGHT, DARK, 1);

        var view = readModel.of(USER);
        assertThat(view.settings().theme()).isEqualTo(Theme.DARK);
        assertThat(view.version()).isEqualTo(3);
        assertThat(view.revision()).isEqualTo(1);
        assertThat(view.createdAt()).isEqualTo(T0);
        assertThat(view.updatedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void theHistoryIsNewestFirstWithOldAndNewValuesAndARedeliveryAddsNothing() {
        change(UserPreferences.DEFAULTS, LIGHT, 0);
        change(LIGHT, DARK, 1);
        change(LIGHT, DARK, 1);

        List<SettingsHistoryEntryView> history = readModel.history(USER, 50);

        assertThat(history)
                .extracting(e -> e.field() + ":" + e.oldValue() + "->" + e.newValue())
                .containsExactly("theme:light->dark", "theme:auto->light");
        assertThat(history.get(0).eventType()).isEqualTo("user_settings_updated");
        assertThat(history.get(0).timestamp()).isEqualTo(T0.plusSeconds(1));
        assertThat(readModel.history(USER, 1)).hasSize(1);
    }

    @Test
    void aRestoreIsInTheHistoryWithItsInstantAndReason() {
        change(UserPreferences.DEFAULTS, LIGHT, 0);
        change(LIGHT, DARK, 1);
        var restored = new UserSettingsRestoredEvent(ID, USER, DARK, LIGHT, T0, "too dark");
        projection.on(restored, message(restored, 2, T0.plusSeconds(2)), 2);

        assertThat(readModel.of(USER).settings()).isEqualTo(LIGHT);
        assertThat(readModel.history(USER, 1).get(0).reason()).isEqualTo("Restored to " + T0 + ": too dark");
    }

    @Test
    void customSettingsWithKeysMongoCannotNameAreKeptAsTheyWere() {
        Map<String, Object> odd = Map.of("$weird.key", Map.of("a.b", List.of(1, 2)), "plain", true);
        UserPreferences custom = UserSettingsPatch.custom("layout", odd).applyTo(UserPreferences.DEFAULTS);

        change(UserPreferences.DEFAULTS, custom, 0);

        assertThat(readModel.of(USER).settings().customSettings()).isEqualTo(Map.of("layout", odd));
        assertThat(readModel.history(USER, 5).get(0).field()).isEqualTo("custom_settings.layout");
        assertThat(readModel.history(USER, 5).get(0).newValue()).isEqualTo(odd);
    }

    @Test
    void aResetClearsTheReadModelForARebuild() {
        change(UserPreferences.DEFAULTS, LIGHT, 0);

        projection.reset();

        assertThat(readModel.of(USER).version()).isEqualTo(1);
        assertThat(readModel.history(USER, 5)).isEmpty();
    }
}
