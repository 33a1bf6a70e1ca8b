package dev.sandpod.api.usersettings;

import dev.sandpod.api.notification.NotificationChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** A user's settings as values; {@link #DEFAULTS} for someone who never changed anything. */
public record UserPreferences(
        Theme theme,
        String timezone,
        String dateFormat,
        String timeFormat,
        NotificationPreferences notifications,
        EditorPreferences editor,
        Map<String, Object> customSettings) {

    public static final UserPreferences DEFAULTS = new UserPreferences(
            Theme.AUTO,
            "UTC",
            "YYYY-MM-DD",
            "24h",
            NotificationPreferences.DEFAULTS,
            EditorPreferences.DEFAULTS,
            Map.of());

    public UserPreferences {
        theme = theme == null ? Theme.AUTO : theme;
        notifications = notifications == null ? NotificationPreferences.DEFAULTS : notifications;
        editor = editor == null ? EditorPreferences.DEFAULTS : editor;
        // insertion order kept, null values allowed: a custom setting is whatever JSON object the user sent
        customSettings = customSettings == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(customSettings));
    }

    /** Every field that differs between the two, with wire names and wire values, in a stable order. */
    public static List<SettingChange> diff(UserPreferences before, UserPreferences after) {
        List<SettingChange> changes = new ArrayList<>();
        add(changes, "theme", before.theme().wireName(), after.theme().wireName());
        add(changes, "timezone", before.timezone(), after.timezone());
        add(changes, "date_format", before.dateFormat(), after.dateFormat());
        add(changes, "time_format", before.timeFormat(), after.timeFormat());
        NotificationPreferences n0 = before.notifications();
        NotificationPreferences n1 = after.notifications();
        add(changes, "notifications.execution_completed", n0.executionCompleted(), n1.executionCompleted());
        add(changes, "notifications.execution_failed", n0.executionFailed(), n1.executionFailed());
        add(changes, "notifications.system_updates", n0.systemUpdates(), n1.systemUpdates());
        add(changes, "notifications.security_alerts", n0.securityAlerts(), n1.securityAlerts());
        add(changes, "notifications.channels", wire(n0.channels()), wire(n1.channels()));
        EditorPreferences e0 = before.editor();
        EditorPreferences e1 = after.editor();
        add(changes, "editor.font_size", e0.fontSize(), e1.fontSize());
        add(changes, "editor.tab_size", e0.tabSize(), e1.tabSize());
        add(changes, "editor.use_tabs", e0.useTabs(), e1.useTabs());
        add(changes, "editor.word_wrap", e0.wordWrap(), e1.wordWrap());
        add(changes, "editor.show_line_numbers", e0.showLineNumbers(), e1.showLineNumbers());
        TreeSet<String> keys = new TreeSet<>(before.customSettings().keySet());
        keys.addAll(after.customSettings().keySet());
        for (String key : keys) {
            add(
                    changes,
                    "custom_settings." + key,
                    before.customSettings().get(key),
                    after.customSettings().get(key));
        }
        return changes;
    }

    private static void add(List<SettingChange> changes, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.add(new SettingChange(field, before, after));
        }
    }

    private static List<String> wire(List<NotificationChannel> channels) {
        return channels.stream().map(NotificationChannel::wireName).toList();
    }
}
