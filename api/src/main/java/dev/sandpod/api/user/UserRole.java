package dev.sandpod.api.user;

import java.util.Locale;

public enum UserRole {
    USER,
    ADMIN,
    MODERATOR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UserRole fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
