package dev.sandpod.api.execution;

import java.util.Locale;

/** Queue priority, highest first; the ordinal order is the dispatch order. */
public enum Priority {
    CRITICAL,
    HIGH,
    NORMAL,
    LOW,
    BACKGROUND;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Priority fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
