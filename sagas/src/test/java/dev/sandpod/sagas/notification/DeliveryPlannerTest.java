package dev.sandpod.sagas.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.notification.ChannelSubscription;
import dev.sandpod.api.notification.ChannelSubscriptionView;
import dev.sandpod.api.notification.DeliveryTarget;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSource;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.NotificationSubscriptionsView;
import dev.sandpod.api.usersettings.NotificationPreferences;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryPlannerTest {

    private static final Instant NOON_UTC = Instant.parse("2026-06-01T12:00:00Z");
    private static final List<String> TAGS = List.of("execution", "completed");
    private static final String HOOK = "https://hooks.example.com/x";
    private static final NotificationSubscriptionsView NONE = new NotificationSubscriptionsView("u", List.of());

    private static ChannelSubscription webhook(boolean enabled) {
        return new ChannelSubscription(
                enabled, List.of(), List.of(), List.of(), HOOK, null, false, null, null, "UTC", 60);
    }

    private static NotificationSubscriptionsView explicit(NotificationChannel channel, ChannelSubscription s) {
        return new NotificationSubscriptionsView(
                "u", List.of(new ChannelSubscriptionView(channel, s, true, null, null, 0)));
    }

    private static DeliveryPlanner.Plan plan(
            NotificationPreferences preferences, NotificationSubscriptionsView subscriptions, boolean throttled) {
        return DeliveryPlanner.plan(
                        NotificationSource.EXECUTION_COMPLETED,
                        NotificationSeverity.MEDIUM,
                        TAGS,
                        preferences,
                        subscriptions,
                        NOON_UTC,
                        throttled)
                .orElse(null);
    }

    @Test
    void byDefaultANotificationGoesToTheInAppInbox() {
        DeliveryPlanner.Plan plan = plan(NotificationPreferences.DEFAULTS, NONE, false);

        assertThat(plan.channel()).isEqualTo(NotificationChannel.IN_APP);
        assertThat(plan.status()).isEqualTo(NotificationStatus.DELIVERED);
        assertThat(plan.deliveries()).isEmpty();
    }

    @Test
    void aKindTheUserTurnedOffMakesNoNotification() {
        NotificationPreferences noCompleted =
                new NotificationPreferences(false, true, true, true, List.of(NotificationChannel.IN_APP));

        assertThat(plan(noCompleted, NONE, false)).isNull();
        assertThat(DeliveryPlanner.plan(
                        NotificationSource.EXECUTION_FAILED,
                        NotificationSeverity.HIGH,
                        TAGS,
                        noCompleted,
                        NONE,
                        NOON_UTC,
                        false))
                .isPresent();
    }

    @Test
    void anEnabledWebhookSubscriptionAddsADeliveryEvenIfTheSettingsListOnlyInApp() {
        DeliveryPlanner.Plan plan =
                plan(NotificationPreferences.DEFAULTS, explicit(NotificationChannel.WEBHOOK, webhook(true)), false);

        assertThat(plan.channel()).isEqualTo(NotificationChannel.IN_APP);
        assertThat(plan.deliveries()).containsExactly(new DeliveryTarget(NotificationChannel.WEBHOOK, HOOK));
    }

    @Test
    void withoutInAppTheNotificationShowsAsSendingOnItsExternalChannel() {
        NotificationSubscriptionsView subscriptions = new NotificationSubscriptionsView(
                "u",
                List.of(
                        new ChannelSubscriptionView(
                                NotificationChannel.IN_APP,
                                ChannelSubscription.defaults(NotificationChannel.IN_APP),
                                false,
                                null,
                                null,
                                -1),
                        new ChannelSubscriptionView(NotificationChannel.WEBHOOK, webhook(true), true, null, null, 0)));
        NotificationPreferences webhookOnly =
                new NotificationPreferences(true, true, true, true, List.of(NotificationChannel.WEBHOOK));

        DeliveryPlanner.Plan plan = plan(webhookOnly, subscriptions, false);

        assertThat(plan.channel()).isEqualTo(NotificationChannel.WEBHOOK);
        assertThat(plan.status()).isEqualTo(NotificationStatus.SENDING);
    }

    @Test
    void aChannelListedInTheSettingsButWithoutAnAddressDeliversNothing() {
        NotificationPreferences slackListed =
                new NotificationPreferences(true, true, true, true, List.of(NotificationChannel.SLACK));

        assertThat(plan(slackListed, NONE, false)).isNull();
    }

    @Test
    void severitiesTagsAndQuietHoursFilterAChannel() {
        ChannelSubscription highOnly = new ChannelSubscription(
                true,
                List.of(NotificationSeverity.HIGH),
                List.of(),
                List.of(),
                null,
                null,
                false,
                null,
                null,
                "UTC",
                60);
        ChannelSubscription onlyAlerts = new ChannelSubscription(
                true, List.of(), List.of("alert"), List.of(), null, null, false, null, null, "UTC", 60);
        ChannelSubscription noCompleted = new ChannelSubscription(
                true, List.of(), List.of(), List.of("completed"), null, null, false, null, null, "UTC", 60);
        ChannelSubscription quietAtNoon = new ChannelSubscription(
                true, List.of(), List.of(), List.of(), null, null, true, "11:00", "13:00", "UTC", 60);
        ChannelSubscription quietAtNightInTokyo = new ChannelSubscription(
                true, List.of(), List.of(), List.of(), null, null, true, "22:00", "07:00", "Asia/Tokyo", 60);

        assertThat(DeliveryPlanner.admits(highOnly, NotificationSeverity.MEDIUM, TAGS, NOON_UTC))
                .isFalse();
        assertThat(DeliveryPlanner.admits(highOnly, NotificationSeverity.HIGH, TAGS, NOON_UTC))
                .isTrue();
        assertThat(DeliveryPlanner.admits(onlyAlerts, NotificationSeverity.MEDIUM, TAGS, NOON_UTC))
                .isFalse();
        assertThat(DeliveryPlanner.admits(noCompleted, NotificationSeverity.MEDIUM, TAGS, NOON_UTC))
                .isFalse();
        assertThat(DeliveryPlanner.admits(quietAtNoon, NotificationSeverity.MEDIUM, TAGS, NOON_UTC))
                .isFalse();
        // 12:00 UTC is 21:00 in Tokyo: not yet quiet; 14:00 UTC is 23:00 there
        assertThat(DeliveryPlanner.admits(quietAtNightInTokyo, NotificationSeverity.MEDIUM, TAGS, NOON_UTC))
                .isTrue();
        assertThat(DeliveryPlanner.admits(
                        quietAtNightInTokyo, NotificationSeverity.MEDIUM, TAGS, NOON_UTC.plusSeconds(7200)))
                .isFalse();
        assertThat(plan(NotificationPreferences.DEFAULTS, explicit(NotificationChannel.IN_APP, highOnly), false))
                .isNull();
    }

    @Test
    void aThrottledNotificationIsKeptAsSkippedAndGoesNowhere() {
        DeliveryPlanner.Plan plan =
                plan(NotificationPreferences.DEFAULTS, explicit(NotificationChannel.WEBHOOK, webhook(true)), true);

        assertThat(plan.status()).isEqualTo(NotificationStatus.SKIPPED);
        assertThat(plan.deliveries()).isEmpty();
    }
}
