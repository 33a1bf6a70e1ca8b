package dev.sandpod.projections.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.settings.SettingsIds;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.settings.SystemSettingsChangedEvent;
import dev.sandpod.projections.support.InMemoryMongo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The current system settings as the admin API and the scheduler read them, on an in-memory Mongo. */
@ExtendWith(InMemoryMongo.class)
class SystemSettingsProjectionTest {

    private static final String ID = SettingsIds.SYSTEM;
    private static final String ADMIN = "user-admin";
    private static final SystemSettings DEFAULTS = SystemSettings.DEFAULTS;
    private static final SystemSettings STRICT =
            new SystemSettings(60, "256Mi", "500m", 4, 12, 30, 3, 60, 7, "WARN", false, 0.25);
    private static final SystemSettings LOOSE =
            new SystemSettings(600, "1Gi", "2000m", 20, 8, 120, 10, 5, 90, "DEBUG", true, 1.0);

    private SystemSettingsProjection projection;
    private final List<Object> announced = new ArrayList<>();

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        projection = new SystemSettingsProjection(mongo, announced::add);
    }

    private void change(SystemSettings previous, SystemSettings settings) {
        projection.on(new SystemSettingsChangedEvent(ID, previous, settings, ADMIN, false));
    }

    @Test
    void settingsNeverChangedAreNotThere() {
        assertThat(projection.current(ID)).isEmpty();
    }

    @Test
    void changedSettingsAreReadBackAsTheyWereSet() {
        change(DEFAULTS, STRICT);

        assertThat(projection.current(ID)).contains(STRICT);
    }

    @Test
    void theLatestChangeIsTheCurrentSettings() {
        change(DEFAULTS, STRICT);

        change(STRICT, LOOSE);

        assertThat(projection.current(ID)).contains(LOOSE);
    }

    @Test
    void aResetToTheDefaultsIsReadBackAsTheDefaults() {
        change(DEFAULTS, STRICT);

        projection.on(new SystemSettingsChangedEvent(ID, STRICT, DEFAULTS, ADMIN, true));

        assertThat(projection.current(ID)).contains(DEFAULTS);
    }

    @Test
    void aSecondDeliveryOfTheSameChangeChangesNothing() {
        var changed = new SystemSettingsChangedEvent(ID, DEFAULTS, STRICT, ADMIN, false);
        projection.on(changed);

        projection.on(changed);

        assertThat(projection.current(ID)).contains(STRICT);
    }

    @Test
    void aProjectionResetClearsTheSettingsForARebuild() {
        change(DEFAULTS, STRICT);

        projection.reset();

        assertThat(projection.current(ID)).isEmpty();
    }

    @Test
    void eachStoredChangeIsAnnouncedInThisInstanceOnceItCanBeReadBack(MongoTemplate mongo) {
        var changed = new SystemSettingsChangedEvent(ID, DEFAULTS, STRICT, ADMIN, false);
        List<Object> readableWhenAnnounced = new ArrayList<>();
        projection = new SystemSettingsProjection(mongo, event -> {
            announced.add(event);
            readableWhenAnnounced.add(projection.current(ID).orElseThrow());
        });

        projection.on(changed);

        assertThat(announced).containsExactly(changed);
        assertThat(readableWhenAnnounced).containsExactly(STRICT);
    }
}
