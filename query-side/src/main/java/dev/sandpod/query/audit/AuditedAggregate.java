package dev.sandpod.query.audit;

import dev.sandpod.api.audit.AuditIds;
import dev.sandpod.api.notification.NotificationIds;
import dev.sandpod.api.ratelimit.RateLimitIds;
import dev.sandpod.api.usersettings.UserSettingsIds;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The aggregate types an audit can name: the {@code {type}} of the URL, the aggregate type its events are
 * stored under (the aggregate class's simple name), how the URL's id becomes the aggregate id (per-user
 * aggregates are named after the user they belong to), and who owns it.
 */
public enum AuditedAggregate {
    EXECUTION("execution", "Execution", Ownership.FIRST_EVENT, UnaryOperator.identity()),
    USER("user", "UserAccount", Ownership.THE_USER, UnaryOperator.identity()),
    USER_SETTINGS(
            "user_settings",
            "UserSettingsAggregate",
            Ownership.THE_USER,
            prefixed("user-settings:", UserSettingsIds::of)),
    NOTIFICATION("notification", "Notification", Ownership.FIRST_EVENT, UnaryOperator.identity()),
    SAVED_SCRIPT("saved_script", "SavedScript", Ownership.FIRST_EVENT, UnaryOperator.identity()),
    SYSTEM_SETTINGS("system_settings", "SystemSettingsAggregate", Ownership.ADMINS, UnaryOperator.identity()),
    QUEUE("queue", "DispatchQueue", Ownership.ADMINS, UnaryOperator.identity()),
    NOTIFICATION_SUBSCRIPTIONS(
            "notification_subscriptions",
            "NotificationSubscriptions",
            Ownership.THE_USER,
            prefixed("notification-subscriptions:", NotificationIds::subscriptionsOf)),
    RATE_LIMITS(
            "rate_limits",
            "UserRateLimitOverrides",
            Ownership.ADMINS,
            prefixed("rate-limits:", RateLimitIds::overridesOf)),
    BROADCAST("broadcast", "Broadcast", Ownership.ADMINS, UnaryOperator.identity()),
    EVENT_HIDE("event_hide", "EventHide", Ownership.ADMINS, prefixed("event-hide:", AuditIds::hideOf));

    enum Ownership {
        /** The user named by the aggregate's first event ({@code userId}). */
        FIRST_EVENT,
        /** The user the URL's id names. */
        THE_USER,
        /** System-wide: admins only. */
        ADMINS
    }

    private final String wireName;
    private final String storedType;
    private final Ownership ownership;
    private final UnaryOperator<String> aggregateId;

    AuditedAggregate(String wireName, String storedType, Ownership ownership, UnaryOperator<String> aggregateId) {
        this.wireName = wireName;
        this.storedType = storedType;
        this.ownership = ownership;
        this.aggregateId = aggregateId;
    }

    public String wireName() {
        return wireName;
    }

    public String storedType() {
        return storedType;
    }

    Ownership ownership() {
        return ownership;
    }

    /** The aggregate id of the URL's id (a per-user aggregate may be named by its user or by its own id). */
    public String aggregateId(String id) {
        return aggregateId.apply(id);
    }

    /** The user an id of a per-user aggregate names. */
    String userOf(String aggregateId) {
        int colon = aggregateId.indexOf(':');
        return this == USER || colon < 0 ? aggregateId : aggregateId.substring(colon + 1);
    }

    /** By wire name; hyphens and case do not matter ({@code user-settings}, {@code USER_SETTINGS}). */
    public static AuditedAggregate of(String name) {
        String normalized = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (normalized.equals("script")) {
            return SAVED_SCRIPT;
        }
        return Arrays.stream(values())
                .filter(type -> type.wireName.equals(normalized))
                .findFirst()
                .orElse(null);
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(AuditedAggregate::wireName).toList();
    }

    private static UnaryOperator<String> prefixed(String prefix, UnaryOperator<String> of) {
        return id -> id.startsWith(prefix) ? id : of.apply(id);
    }
}
