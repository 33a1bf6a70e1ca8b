package dev.sandpod.api.usersettings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A partial change: {@code null} keeps the current value. {@code customSettings} replaces all custom
 * settings, {@code customUpdates} sets single keys and keeps the others.
 */
public record UserSettingsPatch(
        Theme theme,
        String timezone,
        String dateFormat,
        String timeFormat,
        NotificationPreferences notifications,
        EditorPreferences editor,
        Map<String, Object> customSettings,
        Map<String, Object> customUpdates) {

    public static UserSettingsPatch theme(Theme theme) {
        return new UserSettingsPatch(theme, null, null, null, null, null, null, null);
    }

    public static UserSettingsPatch notifications(NotificationPreferences notifications) {
        return new UserSettingsPatch(null, null, null, null, notifications, null, null, null);
    }

    public static UserSettingsPatch editor(EditorPreferences editor) {
        return new UserSettingsPatch(null, null, null, null, null, editor, null, null);
    }

    public static UserSettingsPatch custom(String key, Object value) {
        Map<String, Object> update = new LinkedHashMap<>();
        update.put(key, value);
        return new UserSettingsPatch(null, null, null, null, null, null, null, update);
    }

    public UserPreferences applyTo(UserPreferences current) {
        Map<String, Object> custom =
                new LinkedHashMap<>(customSettings == null ? current.customSettings() : customSettings);
        if (customUpdates != null) {
            custom.putAll(customUpdates);
        }
        return new UserPreferences(
                theme == null ? current.theme() : theme,
                timezone == null ? current.timezone() : timezone,
                dateFormat == null ? current.dateFormat() : dateFormat,
                timeFormat == null ? current.timeFormat() : timeFormat,
                notifications == null ? current.notifications() : notifications,
                editor == null ? current.editor() : editor,
                custom);
    }
}
