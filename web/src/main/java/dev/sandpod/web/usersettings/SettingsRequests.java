package dev.sandpod.web.usersettings;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.usersettings.EditorPreferences;
import dev.sandpod.api.usersettings.NotificationPreferences;
import dev.sandpod.api.usersettings.Theme;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request bodies of the settings endpoints and their checks. A nested object that is sent is taken
 * whole, its missing fields at their defaults (as the API documents them).
 */
final class SettingsRequests {

    static final Set<Integer> TAB_SIZES = Set.of(2, 4, 8);
    static final Set<String> TIME_FORMATS = Set.of("12h", "24h");
    static final Pattern CUSTOM_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    static final int MAX_CUSTOM_KEYS = 100;
    static final int MAX_CUSTOM_VALUE_CHARS = 10_000;
    static final int MAX_REASON = 500;

    private SettingsRequests() {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "NotificationSettingsUpdate", description = "Fields left out take their defaults")
    record NotificationsBody(
            Boolean executionCompleted,
            Boolean executionFailed,
            Boolean systemUpdates,
            Boolean securityAlerts,

            @ArraySchema(schema = @Schema(implementation = NotificationChannel.class))
            List<String> channels) {

        NotificationPreferences toPreferences(String where, List<Violation> problems) {
            NotificationPreferences d = NotificationPreferences.DEFAULTS;
            List<NotificationChannel> parsed = d.channels();
            if (channels != null) {
                LinkedHashSet<NotificationChannel> set = new LinkedHashSet<>();
                for (String channel : channels) {
                    try {
                        set.add(NotificationChannel.fromWire(channel));
                    } catch (IllegalArgumentException e) {
                        problems.add(violation(where + "channels", "Input should be 'in_app', 'webhook' or 'slack'"));
                    }
                }
                parsed = List.copyOf(set);
            }
            return new NotificationPreferences(
                    executionCompleted == null ? d.executionCompleted() : executionCompleted,
                    executionFailed == null ? d.executionFailed() : executionFailed,
                    systemUpdates == null ? d.systemUpdates() : systemUpdates,
                    securityAlerts == null ? d.securityAlerts() : securityAlerts,
                    parsed);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "EditorSettingsUpdate", description = "Fields left out take their defaults")
    record EditorBody(Integer fontSize, Integer tabSize, Boolean useTabs, Boolean wordWrap, Boolean showLineNumbers) {

        EditorPreferences toPreferences(String where, List<Violation> problems) {
            EditorPreferences d = EditorPreferences.DEFAULTS;
            int font = fontSize == null ? d.fontSize() : fontSize;
            if (font < 8 || font > 32) {
                problems.add(violation(where + "font_size", "font_size must be between 8 and 32"));
            }
            int tab = tabSize == null ? d.tabSize() : tabSize;
            if (!TAB_SIZES.contains(tab)) {
                problems.add(violation(where + "tab_size", "tab_size must be 2, 4 or 8"));
            }
            return new EditorPreferences(
                    font,
                    tab,
                    useTabs == null ? d.useTabs() : useTabs,
                    wordWrap == null ? d.wordWrap() : wordWrap,
                    showLineNumbers == null ? d.showLineNumbers() : showLineNumbers);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "UserSettingsUpdate", description = "Fields left out keep their value")
    record SettingsBody(
            @Schema(implementation = Theme.class) String theme,
            String timezone,
            String dateFormat,
            String timeFormat,
            NotificationsBody notifications,
            EditorBody editor,
            Map<String, Object> customSettings) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "ThemeUpdateRequest")
    record ThemeBody(
            @Schema(implementation = Theme.class, requiredMode = Schema.RequiredMode.REQUIRED)
            String theme) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "RestoreSettingsRequest")
    record RestoreBody(
            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    format = "date-time",
                    description = "Restore the settings as they were at this time")
            String timestamp,

            String reason) {}

    static Theme theme(String value, List<Violation> problems) {
        if (value == null) {
            return null;
        }
        try {
            return Theme.fromWire(value);
        } catch (IllegalArgumentException e) {
            problems.add(violation("theme", "Input should be 'light', 'dark' or 'auto'"));
            return null;
        }
    }

    static String timezone(String value, List<Violation> problems) {
        if (value == null) {
            return null;
        }
        try {
            return ZoneId.of(value.trim()).getId();
        } catch (DateTimeException e) {
            problems.add(violation("timezone", "Unknown timezone: " + value));
            return null;
        }
    }

    static String dateFormat(String value, List<Violation> problems) {
        if (value != null && (value.isBlank() || value.length() > 32)) {
            problems.add(violation("date_format", "date_format must be 1 to 32 characters"));
        }
        return value;
    }

    static String timeFormat(String value, List<Violation> problems) {
        if (value != null && !TIME_FORMATS.contains(value)) {
            problems.add(violation("time_format", "time_format must be '12h' or '24h'"));
        }
        return value;
    }

    static void throwIfAny(List<Violation> problems) {
        if (!problems.isEmpty()) {
            throw new RequestValidationException(problems);
        }
    }

    static Violation violation(String field, String msg) {
        return new Violation(List.of("body", field), msg, "value_error");
    }

    static List<Violation> problems() {
        return new ArrayList<>();
    }
}
