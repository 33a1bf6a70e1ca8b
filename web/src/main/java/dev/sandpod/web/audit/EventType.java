package dev.sandpod.web.audit;

import dev.sandpod.web.apidocs.Addition;
import java.util.Locale;

/**
 * For the API document only: the wire types of the events the audit endpoints answer (the names
 * {@code projections.eventindex.AuditedEvent} gives the event classes). The handlers write the type as a
 * string; this enumeration says which strings.
 */
@Addition(
        values = {
            "access_token_created",
            "access_token_revoked",
            "broadcast_published",
            "dead_letter_discarded",
            "dead_letter_retried",
            "event_hidden",
            "execution_deleted",
            "execution_enqueued",
            "execution_error",
            "execution_priority_changed",
            "execution_reprioritized",
            "execution_scheduled",
            "execution_slot_granted",
            "execution_slot_released",
            "execution_stopped",
            "notification_deleted",
            "notification_delivery_attempted",
            "notification_delivery_requested",
            "notification_subscription_updated",
            "system_settings_changed",
            "user_locked_out",
            "user_login_failed",
            "user_password_changed",
            "user_rate_limits_reset",
            "user_rate_limits_set",
            "user_sessions_ended",
            "user_settings_restored",
            "user_unlocked"
        })
public enum EventType {
    ACCESS_TOKEN_CREATED,
    ACCESS_TOKEN_REVOKED,
    BROADCAST_PUBLISHED,
    DEAD_LETTER_DISCARDED,
    DEAD_LETTER_RETRIED,
    EVENT_HIDDEN,
    EXECUTION_CANCELLED,
    EXECUTION_COMPLETED,
    EXECUTION_DELETED,
    EXECUTION_ENQUEUED,
    EXECUTION_ERROR,
    EXECUTION_FAILED,
    EXECUTION_PRIORITY_CHANGED,
    EXECUTION_QUEUED,
    EXECUTION_REPRIORITIZED,
    EXECUTION_REQUESTED,
    EXECUTION_RUNNING,
    EXECUTION_SCHEDULED,
    EXECUTION_SLOT_GRANTED,
    EXECUTION_SLOT_RELEASED,
    EXECUTION_STARTED,
    EXECUTION_STOPPED,
    EXECUTION_TIMEOUT,
    NOTIFICATION_CREATED,
    NOTIFICATION_DELETED,
    NOTIFICATION_DELIVERED,
    NOTIFICATION_DELIVERY_ATTEMPTED,
    NOTIFICATION_DELIVERY_REQUESTED,
    NOTIFICATION_FAILED,
    NOTIFICATION_READ,
    NOTIFICATION_SUBSCRIPTION_UPDATED,
    RESULT_STORED,
    SCRIPT_DELETED,
    SCRIPT_SAVED,
    SYSTEM_SETTINGS_CHANGED,
    USER_DELETED,
    USER_LOCKED_OUT,
    USER_LOGGED_IN,
    USER_LOGGED_OUT,
    USER_LOGIN_FAILED,
    USER_PASSWORD_CHANGED,
    USER_RATE_LIMITS_RESET,
    USER_RATE_LIMITS_SET,
    USER_REGISTERED,
    USER_SESSIONS_ENDED,
    USER_SETTINGS_RESTORED,
    USER_SETTINGS_UPDATED,
    USER_UNLOCKED,
    USER_UPDATED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
