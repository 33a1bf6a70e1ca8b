package dev.sandpod.api.notification;

import java.util.Locale;

/** Where a notification goes: the in-app inbox (and its live stream), a webhook, a Slack channel. */
public enum NotificationChannel {
    IN_APP,
    WEBHOOK,
    SLACK;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything that is not a wire name */
    public static NotificationChannel fromWire(String value) {
        if (value == null) {
            throw new IllegalArgumentException("null");
        }
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
