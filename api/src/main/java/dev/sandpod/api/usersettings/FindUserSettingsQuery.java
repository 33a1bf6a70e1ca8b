package dev.sandpod.api.usersettings;

/** Answers a {@link UserSettingsView}: the defaults for a user who never changed anything. */
public record FindUserSettingsQuery(String userId) {}
