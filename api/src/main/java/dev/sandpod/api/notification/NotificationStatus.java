package dev.sandpod.api.notification;

import java.util.Locale;

/** Where a notification stands: delivered to its channel, skipped (throttled), read by its owner. */
public enum NotificationStatus {
    PENDING,
    QUEUED,
    SENDING,
    DELIVERED,
    FAILED,
    SKIPPED,
    READ,
    CLICKED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything that is not a wire name */
    public static NotificationStatus fromWire(String value) {
        if (value == null) {
            throw new IllegalArgumentException("null");
        }
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
