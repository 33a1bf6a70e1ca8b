package dev.sandpod.api.usersettings;

import java.time.Instant;

/** {@code eventType} is the API's name: {@code user_settings_updated} or {@code notification_preferences_updated}. */
public record SettingsHistoryEntryView(
        Instant timestamp, String eventType, String field, Object oldValue, Object newValue, String reason) {}
