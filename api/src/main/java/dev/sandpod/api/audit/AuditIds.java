package dev.sandpod.api.audit;

/**
 * The id of the aggregate that records the hiding of one event. One per event, so hiding twice is refused
 * by the store's uniqueness; prefixed, because aggregate ids share one namespace in the event store.
 */
public final class AuditIds {

    private static final String PREFIX = "event-hide:";

    private AuditIds() {}

    public static String hideOf(String eventId) {
        return PREFIX + eventId;
    }
}
