package dev.sandpod.web.replay;

import java.util.Locale;

/** For the API document: Where a replay session sends its copies; callback is refused (422), test only counts. */
public enum ReplayTarget {
    KAFKA,
    CALLBACK,
    FILE,
    TEST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
