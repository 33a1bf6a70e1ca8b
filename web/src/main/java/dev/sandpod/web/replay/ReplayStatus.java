package dev.sandpod.web.replay;

import java.util.Locale;

/** For the API document: The states of a replay session (the contract's ReplayStatus); scheduled is never used. */
public enum ReplayStatus {
    PREVIEW,
    SCHEDULED,
    CREATED,
    RUNNING,
    PAUSED,
    COMPLETED,
    FAILED,
    CANCELLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
