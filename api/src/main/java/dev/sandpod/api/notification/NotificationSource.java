package dev.sandpod.api.notification;

import java.util.Locale;

/** What caused a notification; decides which of the user's notification settings applies. */
public enum NotificationSource {
    EXECUTION_COMPLETED,
    EXECUTION_FAILED,
    ANNOUNCEMENT,
    ALERT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
