package dev.sandpod.api.notification;

/** The result of one delivery attempt: done, another attempt will follow, or given up. */
public enum DeliveryOutcome {
    DELIVERED,
    RETRYING,
    FAILED
}
