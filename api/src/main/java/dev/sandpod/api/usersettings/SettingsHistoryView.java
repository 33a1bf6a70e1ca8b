package dev.sandpod.api.usersettings;

import java.util.List;

public record SettingsHistoryView(List<SettingsHistoryEntryView> history) {}
