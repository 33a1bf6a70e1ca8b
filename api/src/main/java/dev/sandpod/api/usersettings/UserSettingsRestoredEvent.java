package dev.sandpod.api.usersettings;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/**
 * The settings were put back as they were at {@code restoredTo}. The restored values are in the event
 * itself, so rebuilding any read model from the store keeps the restore (the reference system lost it on
 * a cache rebuild).
 */
@Revision("1")
public record UserSettingsRestoredEvent(
        String settingsId,
        String userId,
        UserPreferences previous,
        UserPreferences settings,
        Instant restoredTo,
        String reason) {}
