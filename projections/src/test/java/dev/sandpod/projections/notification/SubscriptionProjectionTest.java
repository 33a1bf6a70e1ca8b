package dev.sandpod.projections.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.notification.ChannelSubscription;
import dev.sandpod.api.notification.ChannelSubscriptionView;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSubscriptionUpdatedEvent;
import dev.sandpod.projections.support.InMemoryMongo;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** Channel subscriptions as the notification settings page and the dispatcher read them, on an in-memory Mongo. */
@ExtendWith(InMemoryMongo.class)
class SubscriptionProjectionTest {

    private static final String USER = "user-1";
    private static final String OTHER_USER = "user-2";
    private static final NotificationChannel WEBHOOK = NotificationChannel.WEBHOOK;
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);
    private static final Instant T2 = T0.plusSeconds(120);
    private static final ChannelSubscription OFF = ChannelSubscription.defaults(WEBHOOK);
    private static final ChannelSubscription HIGH_ONLY = new ChannelSubscription(
            true,
            List.of(NotificationSeverity.HIGH),
            List.of("execution"),
            List.of("lang:bash"),
            "https://hooks.example.com/a",
            null,
            true,
            "22:00",
            "07:00",
            "Europe/Berlin",
            15);
    private static final ChannelSubscription EVERYTHING = new ChannelSubscription(
            true,
            List.of(NotificationSeverity.values()),
            List.of(),
            List.of(),
            "https://hooks.example.com/b",
            null,
            false,
            null,
            null,
            "UTC",
            60);

    private SubscriptionProjection projection;
    private NotificationReadModel readModel;

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        projection = new SubscriptionProjection(mongo);
        readModel = new NotificationReadModel(mongo);
    }

    private void update(
            String userId, ChannelSubscription previous, ChannelSubscription next, long sequence, Instant at) {
        projection.on(
                new NotificationSubscriptionUpdatedEvent("subscriptions:" + userId, userId, WEBHOOK, previous, next),
                sequence,
                at);
    }

    private ChannelSubscriptionView webhookOf(String userId) {
        return readModel.subscriptions(userId).of(WEBHOOK);
    }

    @Test
    void aChannelNeverSetShowsItsDefaultsAsNotExplicit() {
        assertThat(webhookOf(USER)).isEqualTo(new ChannelSubscriptionView(WEBHOOK, OFF, false, null, null, -1));
    }

    @Test
    void aSetChannelShowsItsSubscriptionAsExplicit() {
        update(USER, OFF, HIGH_ONLY, 0, T0);

        assertThat(webhookOf(USER)).isEqualTo(new ChannelSubscriptionView(WEBHOOK, HIGH_ONLY, true, T0, T0, 0));
    }

    @Test
    void aLaterChangeReplacesTheSubscriptionAndKeepsTheCreationTime() {
        update(USER, OFF, HIGH_ONLY, 0, T0);

        update(USER, HIGH_ONLY, EVERYTHING, 1, T1);

        assertThat(webhookOf(USER)).isEqualTo(new ChannelSubscriptionView(WEBHOOK, EVERYTHING, true, T0, T1, 1));
    }

    @Test
    void aSecondDeliveryOfTheSameChangeChangesNothing() {
        update(USER, OFF, HIGH_ONLY, 0, T0);
        ChannelSubscriptionView once = webhookOf(USER);

        update(USER, OFF, HIGH_ONLY, 0, T0);

        assertThat(webhookOf(USER)).isEqualTo(once);
    }

    @Test
    void aRedeliveredOlderChangeDoesNotOverwriteANewerOne() {
        update(USER, OFF, HIGH_ONLY, 0, T0);
        update(USER, HIGH_ONLY, EVERYTHING, 1, T1);

        update(USER, OFF, HIGH_ONLY, 0, T2);

        assertThat(webhookOf(USER)).isEqualTo(new ChannelSubscriptionView(WEBHOOK, EVERYTHING, true, T0, T1, 1));
    }

    @Test
    void oneUsersSubscriptionLeavesAnotherUsersDefaults() {
        update(USER, OFF, HIGH_ONLY, 0, T0);

        assertThat(webhookOf(OTHER_USER).explicit()).isFalse();
        assertThat(webhookOf(OTHER_USER).subscription()).isEqualTo(OFF);
    }

    @Test
    void aProjectionResetBringsBackTheDefaultsForARebuild() {
        update(USER, OFF, HIGH_ONLY, 0, T0);

        projection.reset();

        assertThat(webhookOf(USER)).isEqualTo(new ChannelSubscriptionView(WEBHOOK, OFF, false, null, null, -1));
    }
}
