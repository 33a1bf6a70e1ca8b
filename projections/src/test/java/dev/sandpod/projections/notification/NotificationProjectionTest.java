package dev.sandpod.projections.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.notification.ChannelSubscription;
import dev.sandpod.api.notification.DeliveryOutcome;
import dev.sandpod.api.notification.FindNotificationsQuery;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationCreatedEvent;
import dev.sandpod.api.notification.NotificationDeletedEvent;
import dev.sandpod.api.notification.NotificationDeliveredEvent;
import dev.sandpod.api.notification.NotificationDeliveryAttemptedEvent;
import dev.sandpod.api.notification.NotificationDeliveryRequestedEvent;
import dev.sandpod.api.notification.NotificationReadEvent;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSource;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.NotificationSubscriptionUpdatedEvent;
import dev.sandpod.api.notification.NotificationView;
import dev.sandpod.api.notification.StreamNotificationsQuery;
import dev.sandpod.projections.support.InMemoryMongo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.GenericSubscriptionQueryMessage;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The notification projections against a real Mongo wire protocol server (in memory). */
@ExtendWith(InMemoryMongo.class)
class NotificationProjectionTest {

    private static final String USER = "user-1";
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    private SimpleQueryUpdateEmitter emitter;
    private NotificationProjection projection;
    private SubscriptionProjection subscriptions;
    private NotificationReadModel readModel;

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        emitter = SimpleQueryUpdateEmitter.builder().build();
        projection = new NotificationProjection(mongo, new dev.sandpod.projections.live.LocalLiveUpdates(emitter));
        subscriptions = new SubscriptionProjection(mongo);
        readModel = new NotificationReadModel(mongo);
    }

    private static NotificationCreatedEvent created(String id, NotificationStatus status, List<String> tags) {
        return created(id, status, tags, null);
    }

    private static NotificationCreatedEvent created(
            String id, NotificationStatus status, List<String> tags, Instant occurredAt) {
        return new NotificationCreatedEvent(
                id,
                USER,
                NotificationSource.ANNOUNCEMENT,
                "b-1",
                NotificationChannel.IN_APP,
                status,
                "Subject " + id,
                "Body",
                "/notifications",
                NotificationSeverity.MEDIUM,
                tags,
                occurredAt);
    }

    private void create(String id, int minute, List<String> tags) {
        projection.on(
                created(id, NotificationStatus.DELIVERED, tags), 0, T0.plusSeconds(60L * minute), ReplayStatus.REGULAR);
    }

    private FindNotificationsQuery query(
            NotificationStatus status, List<String> include, List<String> exclude, String prefix) {
        return new FindNotificationsQuery(USER, status, include, exclude, prefix, 50, 0);
    }

    @Test
    void theInboxIsNewestFirstAndFiltersByStatusAndTags() {
        create("n-1", 1, List.of("execution", "lang:python"));
        create("n-2", 2, List.of("announcement", "db:migration"));
        create("n-3", 3, List.of("announcement"));
        projection.on(new NotificationReadEvent("n-3", USER), 1, T0.plusSeconds(600));

        assertThat(ids(query(null, null, null, null))).containsExactly("n-3", "n-2", "n-1");
        assertThat(ids(query(NotificationStatus.READ, null, null, null))).containsExactly("n-3");
        assertThat(ids(query(null, List.of("execution", "db:migration"), null, null)))
                .containsExactly("n-2", "n-1");
        assertThat(ids(query(null, List.of("announcement"), List.of("db:migration"), null)))
                .containsExactly("n-3");
        assertThat(ids(query(null, null, null, "lang:"))).containsExactly("n-1");
        assertThat(ids(query(null, null, null, "db."))).isEmpty();
        var page = readModel.page(new FindNotificationsQuery(USER, null, null, null, null, 1, 1));
        assertThat(page.notifications())
                .extracting(NotificationView::notificationId)
                .containsExactly("n-2");
        assertThat(page.total()).isEqualTo(3);
        assertThat(page.unreadCount()).isEqualTo(2);
        assertThat(readModel.unreadIds(USER)).containsExactlyInAnyOrder("n-1", "n-2");
    }

    @Test
    void theInboxKeepsTheCausesOrderWhenTheNotificationsWereCreatedTheOtherWayRound() {
        // The policy created the later announcement's notification first (its segments work in parallel).
        projection.on(
                created("later", NotificationStatus.DELIVERED, List.of(), T0.plusSeconds(2)),
                0,
                T0.plusSeconds(5),
                ReplayStatus.REGULAR);
        projection.on(
                created("earlier", NotificationStatus.DELIVERED, List.of(), T0.plusSeconds(1)),
                0,
                T0.plusSeconds(6),
                ReplayStatus.REGULAR);

        assertThat(ids(query(null, null, null, null))).containsExactly("later", "earlier");
        assertThat(readModel.byId("earlier").orElseThrow().createdAt()).isEqualTo(T0.plusSeconds(1));
    }

    private List<String> ids(FindNotificationsQuery query) {
        return readModel.page(query).notifications().stream()
                .map(NotificationView::notificationId)
                .toList();
    }

    @Test
    void aReadNotificationHasItsTimeAndStatusAndADeletedOneIsGone() {
        create("n-1", 1, List.of());
        Instant readAt = T0.plusSeconds(300);

        projection.on(new NotificationReadEvent("n-1", USER), 1, readAt);

        NotificationView read = readModel.byId("n-1").orElseThrow();
        assertThat(read.status()).isEqualTo(NotificationStatus.READ);
        assertThat(read.readAt()).isEqualTo(readAt);
        assertThat(readModel.unreadCount(USER)).isZero();
        projection.on(new NotificationDeletedEvent("n-1", USER));
        assertThat(readModel.byId("n-1")).isEmpty();
    }

    @Test
    void skippedNotificationsAreNotUnreadAndDoNotCountForTheThrottle() {
        projection.on(created("n-1", NotificationStatus.SKIPPED, List.of()), 0, T0, ReplayStatus.REGULAR);
        create("n-2", 1, List.of());

        assertThat(readModel.unreadCount(USER)).isEqualTo(1);
        assertThat(readModel.countSince(USER, NotificationSeverity.MEDIUM, T0)).isEqualTo(1);
        assertThat(readModel.countSince(USER, NotificationSeverity.MEDIUM, T0.plusSeconds(61)))
                .isZero();
        assertThat(readModel.countSince(USER, NotificationSeverity.HIGH, T0)).isZero();
    }

    @Test
    void everyDeliveryAttemptIsKeptInTheDeliveryRecord() {
        create("n-1", 0, List.of());
        String delivery = "n-1:webhook";
        projection.on(
                new NotificationDeliveryRequestedEvent(
                        delivery,
                        "n-1",
                        USER,
                        NotificationChannel.WEBHOOK,
                        "https://hooks.example.com/x",
                        "S",
                        "B",
                        "/",
                        NotificationSeverity.MEDIUM,
                        List.of()),
                1,
                T0);
        projection.on(
                new NotificationDeliveryAttemptedEvent(
                        delivery,
                        "n-1",
                        NotificationChannel.WEBHOOK,
                        1,
                        DeliveryOutcome.RETRYING,
                        500,
                        "HTTP 500",
                        1000),
                2,
                T0.plusSeconds(1));
        projection.on(
                new NotificationDeliveryAttemptedEvent(
                        delivery, "n-1", NotificationChannel.WEBHOOK, 2, DeliveryOutcome.DELIVERED, 200, null, 0),
                3,
                T0.plusSeconds(3));
        projection.on(
                new NotificationDeliveredEvent(delivery, "n-1", NotificationChannel.WEBHOOK, 2), 4, T0.plusSeconds(3));
        // redelivered: no second attempt in the record
        projection.on(
                new NotificationDeliveryAttemptedEvent(
                        delivery, "n-1", NotificationChannel.WEBHOOK, 2, DeliveryOutcome.DELIVERED, 200, null, 0),
                3,
                T0.plusSeconds(3));

        var record = readModel.byId("n-1").orElseThrow().deliveries().get(0);
        assertThat(record.status()).isEqualTo(NotificationStatus.DELIVERED);
        assertThat(record.attempts()).extracting(a -> a.statusCode()).containsExactly(500, 200);
        assertThat(record.attempts().get(0).at()).isEqualTo(T0.plusSeconds(1));
        assertThat(record.deliveredAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(record.lastError()).isEqualTo("HTTP 500");
        assertThat(readModel.byId("n-1").orElseThrow().status()).isEqualTo(NotificationStatus.DELIVERED);
    }

    @Test
    void newInAppNotificationsArePushedToTheirOwnersStreamsButNeverDuringAReplay() {
        List<String> pushed = new ArrayList<>();
        List<String> pushedToOthers = new ArrayList<>();
        subscribe(USER).subscribe(view -> pushed.add(view.notificationId()));
        subscribe(USER).subscribe(view -> pushed.add(view.notificationId()));
        subscribe("someone-else").subscribe(view -> pushedToOthers.add(view.notificationId()));

        create("n-1", 0, List.of());
        projection.on(created("n-2", NotificationStatus.SKIPPED, List.of()), 0, T0, ReplayStatus.REGULAR);
        projection.on(created("n-3", NotificationStatus.DELIVERED, List.of()), 0, T0, ReplayStatus.REPLAY);

        assertThat(pushed).containsExactly("n-1", "n-1");
        assertThat(pushedToOthers).isEmpty();
        assertThat(readModel.byId("n-3")).isPresent();
    }

    private reactor.core.publisher.Flux<NotificationView> subscribe(String userId) {
        var registration = emitter.registerUpdateHandler(
                new GenericSubscriptionQueryMessage<>(
                        new StreamNotificationsQuery(userId),
                        ResponseTypes.instanceOf(Long.class),
                        ResponseTypes.instanceOf(NotificationView.class)),
                64);
        return registration.getUpdates().map(update -> (NotificationView) update.getPayload());
    }

    @Test
    void subscriptionsAreTheStoredOnesAndTheDefaultsElsewhere() {
        ChannelSubscription hook = new ChannelSubscription(
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
        subscriptions.on(
                new NotificationSubscriptionUpdatedEvent(
                        "s",
                        USER,
                        NotificationChannel.WEBHOOK,
                        ChannelSubscription.defaults(NotificationChannel.WEBHOOK),
                        hook),
                0,
                T0);

        var view = readModel.subscriptions(USER);

        assertThat(view.subscriptions()).hasSize(3);
        assertThat(view.of(NotificationChannel.WEBHOOK).subscription()).isEqualTo(hook);
        assertThat(view.of(NotificationChannel.WEBHOOK).explicit()).isTrue();
        assertThat(view.of(NotificationChannel.WEBHOOK).createdAt()).isEqualTo(T0);
        assertThat(view.of(NotificationChannel.IN_APP).explicit()).isFalse();
        assertThat(view.of(NotificationChannel.IN_APP).subscription().enabled()).isTrue();
    }
}
