package dev.sandpod.api.script;

import java.util.List;

public record SavedScriptsView(List<SavedScriptView> scripts) {}
