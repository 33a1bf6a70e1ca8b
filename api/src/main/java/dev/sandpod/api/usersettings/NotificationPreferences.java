package dev.sandpod.api.usersettings;

import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationSource;
import java.util.List;

/** Which kinds of notification a user wants, and on which channels. */
public record NotificationPreferences(
        boolean executionCompleted,
        boolean executionFailed,
        boolean systemUpdates,
        boolean securityAlerts,
        List<NotificationChannel> channels) {

    public static final NotificationPreferences DEFAULTS =
            new NotificationPreferences(true, true, true, true, List.of(NotificationChannel.IN_APP));

    public NotificationPreferences {
        channels = channels == null ? List.of() : List.copyOf(channels);
    }

    /** Whether the user wants notifications of this kind at all. */
    public boolean wants(NotificationSource source) {
        return switch (source) {
            case EXECUTION_COMPLETED -> executionCompleted;
            case EXECUTION_FAILED -> executionFailed;
            case ANNOUNCEMENT -> systemUpdates;
            case ALERT -> securityAlerts;
        };
    }
}
