package dev.sandpod.api.notification;

import java.util.List;

/** One page of a user's notifications, newest first, as {@link NotificationPageView}. Null filters match all. */
public record FindNotificationsQuery(
        String userId,
        NotificationStatus status,
        List<String> includeTags,
        List<String> excludeTags,
        String tagPrefix,
        int limit,
        int offset) {}
