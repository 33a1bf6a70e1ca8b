package dev.sandpod.api.ratelimit;

import java.util.Locale;

/** Which kind of endpoint a rate-limit rule covers; one counter per identity and group. */
public enum EndpointGroup {
    EXECUTION,
    ADMIN,
    SSE,
    WEBSOCKET,
    AUTH,
    PUBLIC,
    API;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EndpointGroup fromWire(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
