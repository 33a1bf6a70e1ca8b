package dev.sandpod.sagas.notification;

import dev.sandpod.api.notification.DeliveryOutcome;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationDeliveredEvent;
import dev.sandpod.api.notification.NotificationDeliveryAttemptedEvent;
import dev.sandpod.api.notification.NotificationDeliveryFailedEvent;
import dev.sandpod.api.notification.NotificationDeliveryRequestedEvent;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.RecordDeliveryAttemptCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.test.saga.FixtureConfiguration;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotificationDeliverySagaTest {

    private static final String NOTIFICATION = "n-1";
    private static final String DELIVERY = NOTIFICATION + ":webhook";
    private static final String URL = "https://hooks.example.com/x";
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);

    /** Answers what the test says the receiver answers, and keeps what it was asked to post. */
    private static final class ScriptedClient implements WebhookClient {
        private final List<Result> answers = new ArrayList<>();
        private final List<Delivery> sent = new ArrayList<>();

        @Override
        public Result send(Delivery delivery) {
            sent.add(delivery);
            return answers.remove(0);
        }
    }

    private FixtureConfiguration fixture;
    private ScriptedClient client;

    private void setUp(int maxAttempts) {
        fixture = new SagaTestFixture<>(NotificationDeliverySaga.class);
        client = new ScriptedClient();
        fixture.registerResource(client);
        fixture.registerResource(new DeliverySchedule(maxAttempts, FIRST_BACKOFF, 2.0, Duration.ofMinutes(1)));
    }

    @BeforeEach
    void setUp() {
        setUp(3);
    }

    private static NotificationDeliveryRequestedEvent requested() {
        return new NotificationDeliveryRequestedEvent(
                DELIVERY,
                NOTIFICATION,
                "user-1",
                NotificationChannel.WEBHOOK,
                URL,
                "Execution completed",
                "done",
                "/editor",
                NotificationSeverity.MEDIUM,
                List.of("execution"));
    }

    private static NotificationDeliveryAttemptedEvent attempted(int attempt, DeliveryOutcome outcome, long retry) {
        return new NotificationDeliveryAttemptedEvent(
                DELIVERY, NOTIFICATION, NotificationChannel.WEBHOOK, attempt, outcome, 500, "HTTP 500", retry);
    }

    @Test
    void aRequestedDeliveryStartsTheSagaWithTheFirstAttemptDueAtOnce() {
        fixture.givenNoPriorActivity()
                .whenAggregate(NOTIFICATION)
                .publishes(requested())
                .expectActiveSagas(1)
                .expectScheduledDeadline(Duration.ZERO, 1)
                .expectNoDispatchedCommands();
    }

    @Test
    void aFailedAttemptIsRecordedAsRetryingWithTheBackoff() {
        client.answers.add(WebhookClient.Result.failed(500, "HTTP 500"));
        fixture.givenAggregate(NOTIFICATION)
                .published(requested())
                .whenTimeElapses(Duration.ofMillis(1))
                .expectDispatchedCommands(new RecordDeliveryAttemptCommand(
                        NOTIFICATION,
                        DELIVERY,
                        1,
                        DeliveryOutcome.RETRYING,
                        500,
                        "HTTP 500",
                        FIRST_BACKOFF.toMillis()));
    }

    @Test
    void aRetryIsScheduledAfterTheBackoffOfTheRecordedAttempt() {
        fixture.givenAggregate(NOTIFICATION)
                .published(requested())
                .whenAggregate(NOTIFICATION)
                .publishes(attempted(1, DeliveryOutcome.RETRYING, 2000))
                .expectScheduledDeadline(Duration.ofMillis(2000), 2)
                .expectActiveSagas(1);
    }

    @Test
    void theNextAttemptPostsAgainAndIsRecordedAsDelivered() {
        client.answers.add(WebhookClient.Result.ok(200));
        fixture.givenAggregate(NOTIFICATION)
                .published(requested(), attempted(1, DeliveryOutcome.RETRYING, 2000))
                .whenTimeElapses(Duration.ofMillis(1))
                .expectDispatchedCommands(new RecordDeliveryAttemptCommand(
                        NOTIFICATION, DELIVERY, 1, DeliveryOutcome.DELIVERED, 200, null, 0));
    }

    @Test
    void theLastFailedAttemptGivesUp() {
        setUp(1);
        client.answers.add(WebhookClient.Result.failed(503, "HTTP 503"));
        fixture.givenAggregate(NOTIFICATION)
                .published(requested())
                .whenTimeElapses(Duration.ofMillis(1))
                .expectDispatchedCommands(new RecordDeliveryAttemptCommand(
                        NOTIFICATION, DELIVERY, 1, DeliveryOutcome.FAILED, 503, "HTTP 503", 0));
    }

    @Test
    void aRefusedTargetIsNotRetried() {
        client.answers.add(WebhookClient.Result.refused("The target resolves to a private address"));
        fixture.givenAggregate(NOTIFICATION)
                .published(requested())
                .whenTimeElapses(Duration.ofMillis(1))
                .expectDispatchedCommands(new RecordDeliveryAttemptCommand(
                        NOTIFICATION,
                        DELIVERY,
                        1,
                        DeliveryOutcome.FAILED,
                        null,
                        "The target resolves to a private address",
                        0));
    }

    @Test
    void theAttemptPostsTheNotification() {
        client.answers.add(WebhookClient.Result.ok(204));
        fixture.givenAggregate(NOTIFICATION)
                .published(requested())
                .whenTimeElapses(Duration.ofMillis(1))
                .expectSuccessfulHandlerExecution();
        var sent = client.sent.get(0);
        org.assertj.core.api.Assertions.assertThat(sent.target()).isEqualTo(URL);
        org.assertj.core.api.Assertions.assertThat(sent.subject()).isEqualTo("Execution completed");
        org.assertj.core.api.Assertions.assertThat(sent.severity()).isEqualTo("medium");
        org.assertj.core.api.Assertions.assertThat(sent.attempt()).isEqualTo(1);
    }

    @Test
    void aDeliveredNotificationEndsTheSaga() {
        fixture.givenAggregate(NOTIFICATION)
                .published(requested())
                .whenAggregate(NOTIFICATION)
                .publishes(new NotificationDeliveredEvent(DELIVERY, NOTIFICATION, NotificationChannel.WEBHOOK, 1))
                .expectActiveSagas(0);
    }

    @Test
    void aFailedDeliveryEndsTheSaga() {
        fixture.givenAggregate(NOTIFICATION)
                .published(requested())
                .whenAggregate(NOTIFICATION)
                .publishes(new NotificationDeliveryFailedEvent(
                        DELIVERY, NOTIFICATION, NotificationChannel.WEBHOOK, 5, "HTTP 500"))
                .expectActiveSagas(0);
    }
}
