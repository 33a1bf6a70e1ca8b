package dev.sandpod.api.execution;

import java.util.Locale;

/** An execution's lifecycle. Every value is persisted and visible. */
public enum ExecutionStatus {
    QUEUED,
    SCHEDULED,
    RUNNING,
    COMPLETED,
    FAILED,
    TIMEOUT,
    CANCELLED,
    ERROR;

    public boolean isTerminal() {
        return switch (this) {
            case COMPLETED, FAILED, TIMEOUT, CANCELLED, ERROR -> true;
            default -> false;
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExecutionStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
