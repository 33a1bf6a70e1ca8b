package dev.sandpod.api.script;

/** Answers a {@link SavedScriptView}, or nothing when there is no such (undeleted) script. */
public record FindSavedScriptQuery(String scriptId) {}
