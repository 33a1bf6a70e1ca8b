package dev.sandpod.api.notification;

import java.util.Locale;

/** How much a notification matters; subscriptions filter on it. */
public enum NotificationSeverity {
    LOW,
    MEDIUM,
    HIGH,
    URGENT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything that is not a wire name */
    public static NotificationSeverity fromWire(String value) {
        if (value == null) {
            throw new IllegalArgumentException("null");
        }
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
