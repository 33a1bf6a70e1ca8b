package dev.sandpod.query.history;

import java.util.Map;

/** The wire name of an event class: {@code ExecutionRequestedEvent} → {@code execution_requested}. */
public final class EventTypes {

    private static final Map<String, String> SPECIAL = Map.of(
            "ExecutionTimedOutEvent", "execution_timeout",
            "ExecutionErroredEvent", "execution_error");

    private EventTypes() {}

    public static String of(Class<?> type) {
        String simple = type.getSimpleName();
        String special = SPECIAL.get(simple);
        if (special != null) {
            return special;
        }
        String base = simple.endsWith("Event") ? simple.substring(0, simple.length() - "Event".length()) : simple;
        return base.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}
