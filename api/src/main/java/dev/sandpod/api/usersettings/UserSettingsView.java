package dev.sandpod.api.usersettings;

import java.time.Instant;

/** {@code version} counts from 1 (the defaults); {@code revision} is the last event's sequence number. */
public record UserSettingsView(
        String userId, UserPreferences settings, long version, Instant createdAt, Instant updatedAt, long revision) {}
