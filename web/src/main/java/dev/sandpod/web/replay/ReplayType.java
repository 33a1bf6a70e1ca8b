package dev.sandpod.web.replay;

import java.util.Locale;

/** For the API document: What a replay session selects: one execution, a time range, event types, any filter (query, recovery). */
public enum ReplayType {
    EXECUTION,
    TIME_RANGE,
    EVENT_TYPE,
    QUERY,
    RECOVERY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
