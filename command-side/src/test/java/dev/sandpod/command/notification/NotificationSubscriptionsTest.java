package dev.sandpod.command.notification;

import dev.sandpod.api.notification.ChannelSubscription;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSubscriptionUpdatedEvent;
import dev.sandpod.api.notification.UpdateNotificationSubscriptionCommand;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotificationSubscriptionsTest {

    private static final String USER = "user-1";
    private static final String ID = "notification-subscriptions:" + USER;
    private static final ChannelSubscription WEBHOOK = new ChannelSubscription(
            true,
            List.of(NotificationSeverity.HIGH),
            List.of(),
            List.of(),
            "https://hooks.example.com/x",
            null,
            false,
            null,
            null,
            "UTC",
            60);

    private FixtureConfiguration<NotificationSubscriptions> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(NotificationSubscriptions.class);
    }

    @Test
    void theFirstSubscriptionOfAChannelStartsFromItsDefaults() {
        fixture.givenNoPriorActivity()
                .when(new UpdateNotificationSubscriptionCommand(ID, USER, NotificationChannel.WEBHOOK, WEBHOOK))
                .expectEvents(new NotificationSubscriptionUpdatedEvent(
                        ID,
                        USER,
                        NotificationChannel.WEBHOOK,
                        ChannelSubscription.defaults(NotificationChannel.WEBHOOK),
                        WEBHOOK))
                .expectResultMessagePayload(0L);
    }

    @Test
    void settingAChannelExplicitlyToItsDefaultsIsStillRecorded() {
        ChannelSubscription inApp = ChannelSubscription.defaults(NotificationChannel.IN_APP);
        fixture.given(new NotificationSubscriptionUpdatedEvent(
                        ID,
                        USER,
                        NotificationChannel.WEBHOOK,
                        ChannelSubscription.defaults(NotificationChannel.WEBHOOK),
                        WEBHOOK))
                .when(new UpdateNotificationSubscriptionCommand(ID, USER, NotificationChannel.IN_APP, inApp))
                .expectEvents(
                        new NotificationSubscriptionUpdatedEvent(ID, USER, NotificationChannel.IN_APP, inApp, inApp));
    }

    @Test
    void anUnchangedSubscriptionRecordsNothing() {
        fixture.given(new NotificationSubscriptionUpdatedEvent(
                        ID,
                        USER,
                        NotificationChannel.WEBHOOK,
                        ChannelSubscription.defaults(NotificationChannel.WEBHOOK),
                        WEBHOOK))
                .when(new UpdateNotificationSubscriptionCommand(ID, USER, NotificationChannel.WEBHOOK, WEBHOOK))
                .expectNoEvents()
                .expectResultMessagePayload(0L);
    }
}
