package dev.sandpod.api.script;

/** A user's saved scripts, newest first, as {@link SavedScriptsView}. */
public record FindSavedScriptsQuery(String userId) {}
