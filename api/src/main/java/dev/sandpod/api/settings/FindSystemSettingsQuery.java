package dev.sandpod.api.settings;

/** Answers the current {@link SystemSettings} (the defaults until an admin changes them). */
public record FindSystemSettingsQuery() {}
