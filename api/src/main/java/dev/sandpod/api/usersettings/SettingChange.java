package dev.sandpod.api.usersettings;

/** One changed field of the settings, as the history shows it ({@code editor.font_size}, {@code theme}, …). */
public record SettingChange(String field, Object oldValue, Object newValue) {}
