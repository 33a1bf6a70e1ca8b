package dev.sandpod.api.notification;

import java.util.List;

/**
 * A user's settings for one channel: whether it is on, which severities and tags pass, where it
 * delivers to (webhook channels), and quiet hours ({@code HH:MM} in {@code timezone}) during which it stays
 * silent.
 */
public record ChannelSubscription(
        boolean enabled,
        List<NotificationSeverity> severities,
        List<String> includeTags,
        List<String> excludeTags,
        String webhookUrl,
        String slackWebhook,
        boolean quietHoursEnabled,
        String quietHoursStart,
        String quietHoursEnd,
        String timezone,
        int batchIntervalMinutes) {

    public static final String DEFAULT_TIMEZONE = "UTC";
    public static final int DEFAULT_BATCH_INTERVAL_MINUTES = 60;

    public ChannelSubscription {
        severities = severities == null ? List.of() : List.copyOf(severities);
        includeTags = includeTags == null ? List.of() : List.copyOf(includeTags);
        excludeTags = excludeTags == null ? List.of() : List.copyOf(excludeTags);
        timezone = timezone == null ? DEFAULT_TIMEZONE : timezone;
    }

    /** What a user who never touched the channel has: the in-app inbox on for every severity, the others off. */
    public static ChannelSubscription defaults(NotificationChannel channel) {
        return new ChannelSubscription(
                channel == NotificationChannel.IN_APP,
                List.of(NotificationSeverity.values()),
                List.of(),
                List.of(),
                null,
                null,
                false,
                null,
                null,
                DEFAULT_TIMEZONE,
                DEFAULT_BATCH_INTERVAL_MINUTES);
    }

    /** The address this subscription delivers to on {@code channel}; none for the in-app inbox. */
    public String target(NotificationChannel channel) {
        return switch (channel) {
            case WEBHOOK -> webhookUrl;
            case SLACK -> slackWebhook;
            case IN_APP -> null;
        };
    }
}
