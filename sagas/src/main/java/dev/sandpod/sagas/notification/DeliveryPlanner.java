package dev.sandpod.sagas.notification;

import dev.sandpod.api.notification.ChannelSubscription;
import dev.sandpod.api.notification.ChannelSubscriptionView;
import dev.sandpod.api.notification.DeliveryTarget;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSource;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.NotificationSubscriptionsView;
import dev.sandpod.api.usersettings.NotificationPreferences;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether and where a notification goes, from the user's settings and subscriptions
 *:
 * <ol>
 * <li>the kind must be wanted ({@code execution_completed}, {@code execution_failed}, {@code system_updates},
 *     {@code security_alerts}); if not, there is no notification at all;</li>
 * <li>a channel is on when its subscription says so; a channel the user never subscribed explicitly is on
 *     when it is listed in the settings' {@code channels} (so the settings page and the subscription API
 *     both work, the more specific one winning);</li>
 * <li>an on channel takes the notification when its severities, include/exclude tags and quiet hours let it
 *     through, and (webhook, Slack) it has an address;</li>
 * <li>over the throttle, the notification is kept as {@code skipped} and goes nowhere.</li>
 * </ol>
 */
final class DeliveryPlanner {

    /** How the notification shows in the inbox, and where it goes out. */
    record Plan(NotificationChannel channel, NotificationStatus status, List<DeliveryTarget> deliveries) {}

    private DeliveryPlanner() {}

    static Optional<Plan> plan(
            NotificationSource source,
            NotificationSeverity severity,
            List<String> tags,
            NotificationPreferences preferences,
            NotificationSubscriptionsView subscriptions,
            Instant now,
            boolean throttled) {
        if (!preferences.wants(source)) {
            return Optional.empty();
        }
        List<NotificationChannel> admitted = new ArrayList<>();
        List<DeliveryTarget> deliveries = new ArrayList<>();
        for (NotificationChannel channel : NotificationChannel.values()) {
            ChannelSubscriptionView view = subscriptions.of(channel);
            ChannelSubscription subscription = view.subscription();
            boolean on = view.explicit()
                    ? subscription.enabled()
                    : preferences.channels().contains(channel);
            if (!on || !admits(subscription, severity, tags, now)) {
                continue;
            }
            if (channel == NotificationChannel.IN_APP) {
                admitted.add(channel);
            } else if (subscription.target(channel) != null) {
                admitted.add(channel);
                deliveries.add(new DeliveryTarget(channel, subscription.target(channel)));
            }
        }
        if (admitted.isEmpty()) {
            return Optional.empty();
        }
        NotificationChannel primary = admitted.get(0);
        if (throttled) {
            return Optional.of(new Plan(primary, NotificationStatus.SKIPPED, List.of()));
        }
        NotificationStatus status =
                primary == NotificationChannel.IN_APP ? NotificationStatus.DELIVERED : NotificationStatus.SENDING;
        return Optional.of(new Plan(primary, status, List.copyOf(deliveries)));
    }

    static boolean admits(
            ChannelSubscription subscription, NotificationSeverity severity, List<String> tags, Instant now) {
        if (!subscription.severities().isEmpty() && !subscription.severities().contains(severity)) {
            return false;
        }
        if (!subscription.includeTags().isEmpty() && Collections.disjoint(subscription.includeTags(), tags)) {
            return false;
        }
        if (!Collections.disjoint(subscription.excludeTags(), tags)) {
            return false;
        }
        return !inQuietHours(subscription, now);
    }

    static boolean inQuietHours(ChannelSubscription subscription, Instant now) {
        if (!subscription.quietHoursEnabled()
                || subscription.quietHoursStart() == null
                || subscription.quietHoursEnd() == null) {
            return false;
        }
        try {
            LocalTime start = LocalTime.parse(subscription.quietHoursStart());
            LocalTime end = LocalTime.parse(subscription.quietHoursEnd());
            LocalTime local = now.atZone(ZoneId.of(subscription.timezone())).toLocalTime();
            if (start.equals(end)) {
                return false;
            }
            return start.isBefore(end)
                    ? !local.isBefore(start) && local.isBefore(end)
                    : !local.isBefore(start) || local.isBefore(end);
        } catch (DateTimeException e) {
            return false;
        }
    }
}
