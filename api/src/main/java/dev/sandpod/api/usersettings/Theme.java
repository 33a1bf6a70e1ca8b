package dev.sandpod.api.usersettings;

import java.util.Locale;

public enum Theme {
    LIGHT,
    DARK,
    AUTO;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything that is not a wire name */
    public static Theme fromWire(String value) {
        if (value == null) {
            throw new IllegalArgumentException("null");
        }
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
