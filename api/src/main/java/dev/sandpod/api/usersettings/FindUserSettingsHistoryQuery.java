package dev.sandpod.api.usersettings;

/** The newest {@code limit} field changes of a user's settings, newest first, as {@link SettingsHistoryView}. */
public record FindUserSettingsHistoryQuery(String userId, int limit) {}
