package dev.sandpod.command.usersettings;

import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.usersettings.ChangeUserSettingsCommand;
import dev.sandpod.api.usersettings.EditorPreferences;
import dev.sandpod.api.usersettings.RestoreUserSettingsCommand;
import dev.sandpod.api.usersettings.Theme;
import dev.sandpod.api.usersettings.UserPreferences;
import dev.sandpod.api.usersettings.UserSettingsChangedEvent;
import dev.sandpod.api.usersettings.UserSettingsPatch;
import dev.sandpod.api.usersettings.UserSettingsRestoredEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserSettingsAggregateTest {

    private static final String USER = "user-1";
    private static final String ID = "user-settings:" + USER;
    private static final UserPreferences DARK =
            UserSettingsPatch.theme(Theme.DARK).applyTo(UserPreferences.DEFAULTS);
    private static final Instant THEN = Instant.parse("2026-01-01T00:00:00Z");

    private FixtureConfiguration<UserSettingsAggregate> fixture;
    private SettingsTimeline timeline;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(UserSettingsAggregate.class);
        timeline = mock(SettingsTimeline.class);
        fixture.registerInjectableResource(timeline);
    }

    private static UserSettingsChangedEvent becameDark() {
        return new UserSettingsChangedEvent(ID, USER, UserPreferences.DEFAULTS, DARK, List.of("theme"), null);
    }

    @Test
    void theFirstChangeStartsFromTheDefaultsAndNamesTheChangedFields() {
        fixture.givenNoPriorActivity()
                .when(new ChangeUserSettingsCommand(ID, USER, UserSettingsPatch.theme(Theme.DARK), null))
                .expectEvents(becameDark())
                .expectResultMessagePayload(0L);
    }

    @Test
    void aChangeCarriesTheValuesBeforeAndAfter() {
        EditorPreferences bigger = new EditorPreferences(20, 4, false, true, true);
        UserPreferences after = UserSettingsPatch.editor(bigger).applyTo(DARK);
        fixture.given(becameDark())
                .when(new ChangeUserSettingsCommand(ID, USER, UserSettingsPatch.editor(bigger), null))
                .expectEvents(new UserSettingsChangedEvent(ID, USER, DARK, after, List.of("editor.font_size"), null))
                .expectResultMessagePayload(1L);
    }

    @Test
    void aChangeToTheSameValuesRecordsNothing() {
        fixture.given(becameDark())
                .when(new ChangeUserSettingsCommand(ID, USER, UserSettingsPatch.theme(Theme.DARK), null))
                .expectNoEvents()
                .expectResultMessagePayload(0L);
    }

    @Test
    void aCustomSettingIsAddedWithoutTouchingTheOthers() {
        UserPreferences withA = UserSettingsPatch.custom("a", Map.of("x", 1)).applyTo(DARK);
        UserPreferences withAB = UserSettingsPatch.custom("b", Map.of("y", 2)).applyTo(withA);
        fixture.given(
                        becameDark(),
                        new UserSettingsChangedEvent(ID, USER, DARK, withA, List.of("custom_settings.a"), null))
                .when(new ChangeUserSettingsCommand(ID, USER, UserSettingsPatch.custom("b", Map.of("y", 2)), null))
                .expectEvents(
                        new UserSettingsChangedEvent(ID, USER, withA, withAB, List.of("custom_settings.b"), null));
    }

    @Test
    void moreThanAHundredCustomSettingsAreRefused() {
        Map<String, Object> hundred = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            hundred.put("k" + i, Map.of());
        }
        UserPreferences full = new UserPreferences(Theme.DARK, "UTC", "YYYY-MM-DD", "24h", null, null, hundred);
        fixture.given(new UserSettingsChangedEvent(ID, USER, UserPreferences.DEFAULTS, full, List.of(), null))
                .when(new ChangeUserSettingsCommand(ID, USER, UserSettingsPatch.custom("one-more", Map.of()), null))
                .expectException(RequestValidationException.class)
                .expectNoEvents();
    }

    @Test
    void aRestoreRecordsTheValuesOfThatInstantAsTheyWereInTheStore() {
        when(timeline.at(eq(ID), eq(THEN))).thenReturn(UserPreferences.DEFAULTS);
        fixture.given(becameDark())
                .when(new RestoreUserSettingsCommand(ID, USER, THEN, "too dark"))
                .expectEvents(new UserSettingsRestoredEvent(ID, USER, DARK, UserPreferences.DEFAULTS, THEN, "too dark"))
                .expectResultMessagePayload(1L);
    }
}
