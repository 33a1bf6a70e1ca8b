package dev.sandpod.api.execution;

import java.util.Locale;

/** Why a run did not end normally (the API's enumeration {@code ExecutionErrorType}). */
public enum ErrorType {
    SYSTEM_ERROR,
    TIMEOUT,
    RESOURCE_LIMIT,
    SCRIPT_ERROR,
    PERMISSION_DENIED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ErrorType fromWire(String value) {
        return value == null ? null : valueOf(value.toUpperCase(Locale.ROOT));
    }
}
