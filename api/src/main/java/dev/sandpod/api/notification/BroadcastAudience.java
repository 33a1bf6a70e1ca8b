package dev.sandpod.api.notification;

import java.util.Locale;

/** Who receives a broadcast: every active user, or the admins only. */
public enum BroadcastAudience {
    ALL,
    ADMINS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BroadcastAudience fromWire(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
