package dev.sandpod.api.usersettings;

import java.util.List;
import org.axonframework.serialization.Revision;

/** The settings before and after one change, and which fields changed (the history's old and new values). */
@Revision("1")
public record UserSettingsChangedEvent(
        String settingsId,
        String userId,
        UserPreferences previous,
        UserPreferences settings,
        List<String> changedFields,
        String reason) {}
