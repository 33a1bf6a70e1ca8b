package dev.sandpod.command.notification;

import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.notification.CreateNotificationCommand;
import dev.sandpod.api.notification.DeleteNotificationCommand;
import dev.sandpod.api.notification.DeliveryOutcome;
import dev.sandpod.api.notification.DeliveryTarget;
import dev.sandpod.api.notification.MarkNotificationReadCommand;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationCreatedEvent;
import dev.sandpod.api.notification.NotificationDeletedEvent;
import dev.sandpod.api.notification.NotificationDeliveredEvent;
import dev.sandpod.api.notification.NotificationDeliveryAttemptedEvent;
import dev.sandpod.api.notification.NotificationDeliveryFailedEvent;
import dev.sandpod.api.notification.NotificationDeliveryRequestedEvent;
import dev.sandpod.api.notification.NotificationReadEvent;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSource;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.RecordDeliveryAttemptCommand;
import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotificationTest {

    private static final String ID = "n-1";
    private static final String OWNER = "user-1";
    private static final String DELIVERY = ID + ":webhook";
    private static final String URL = "https://hooks.example.com/x";
    private static final List<String> TAGS = List.of("execution", "completed");

    private static final Instant CAUSED_AT = Instant.parse("2026-12-07T10:00:00Z");

    private FixtureConfiguration<Notification> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Notification.class);
    }

    private static NotificationCreatedEvent created() {
        return new NotificationCreatedEvent(
                ID,
                OWNER,
                NotificationSource.EXECUTION_COMPLETED,
                "exec-1",
                NotificationChannel.IN_APP,
                NotificationStatus.DELIVERED,
                "Execution completed",
                "done",
                "/editor",
                NotificationSeverity.MEDIUM,
                TAGS,
                CAUSED_AT);
    }

    private static NotificationDeliveryRequestedEvent requested() {
        return new NotificationDeliveryRequestedEvent(
                DELIVERY,
                ID,
                OWNER,
                NotificationChannel.WEBHOOK,
                URL,
                "Execution completed",
                "done",
                "/editor",
                NotificationSeverity.MEDIUM,
                TAGS);
    }

    private static NotificationDeliveryAttemptedEvent attempted(
            int attempt, DeliveryOutcome outcome, int status, long retryAfter) {
        return new NotificationDeliveryAttemptedEvent(
                DELIVERY,
                ID,
                NotificationChannel.WEBHOOK,
                attempt,
                outcome,
                status,
                outcome == DeliveryOutcome.DELIVERED ? null : "HTTP " + status,
                retryAfter);
    }

    @Test
    void creatingANotificationRequestsEachExternalDelivery() {
        fixture.givenNoPriorActivity()
                .when(new CreateNotificationCommand(
                        ID,
                        OWNER,
                        NotificationSource.EXECUTION_COMPLETED,
                        "exec-1",
                        "Execution completed",
                        "done",
                        "/editor",
                        NotificationSeverity.MEDIUM,
                        TAGS,
                        NotificationChannel.IN_APP,
                        NotificationStatus.DELIVERED,
                        List.of(new DeliveryTarget(NotificationChannel.WEBHOOK, URL)),
                        CAUSED_AT))
                .expectEvents(created(), requested());
    }

    @Test
    void theOwnerReadsANotificationOnce() {
        fixture.given(created())
                .when(new MarkNotificationReadCommand(ID, OWNER))
                .expectEvents(new NotificationReadEvent(ID, OWNER));
        fixture.given(created(), new NotificationReadEvent(ID, OWNER))
                .when(new MarkNotificationReadCommand(ID, OWNER))
                .expectNoEvents();
    }

    @Test
    void anotherUserCannotReadOrDeleteIt() {
        fixture.given(created())
                .when(new MarkNotificationReadCommand(ID, "user-2"))
                .expectException(SandpodException.class)
                .expectExceptionMessage("Notification not found");
        fixture.given(created())
                .when(new DeleteNotificationCommand(ID, "user-2"))
                .expectException(SandpodException.class)
                .expectNoEvents();
    }

    @Test
    void aDeletedNotificationIsGoneForItsOwnerToo() {
        fixture.given(created())
                .when(new DeleteNotificationCommand(ID, OWNER))
                .expectEvents(new NotificationDeletedEvent(ID, OWNER));
        fixture.given(created(), new NotificationDeletedEvent(ID, OWNER))
                .when(new MarkNotificationReadCommand(ID, OWNER))
                .expectException(SandpodException.class);
    }

    @Test
    void aFailedAttemptIsRecordedWithItsRetry() {
        fixture.given(created(), requested())
                .when(new RecordDeliveryAttemptCommand(
                        ID, DELIVERY, 1, DeliveryOutcome.RETRYING, 500, "HTTP 500", 1000))
                .expectEvents(attempted(1, DeliveryOutcome.RETRYING, 500, 1000));
    }

    @Test
    void aSuccessfulAttemptDeliversAndEndsTheDelivery() {
        fixture.given(created(), requested(), attempted(1, DeliveryOutcome.RETRYING, 500, 1000))
                .when(new RecordDeliveryAttemptCommand(ID, DELIVERY, 2, DeliveryOutcome.DELIVERED, 200, null, 0))
                .expectEvents(
                        attempted(2, DeliveryOutcome.DELIVERED, 200, 0),
                        new NotificationDeliveredEvent(DELIVERY, ID, NotificationChannel.WEBHOOK, 2));
    }

    @Test
    void theLastFailedAttemptFailsTheDelivery() {
        fixture.given(created(), requested())
                .when(new RecordDeliveryAttemptCommand(ID, DELIVERY, 1, DeliveryOutcome.FAILED, 500, "HTTP 500", 0))
                .expectEvents(
                        attempted(1, DeliveryOutcome.FAILED, 500, 0),
                        new NotificationDeliveryFailedEvent(DELIVERY, ID, NotificationChannel.WEBHOOK, 1, "HTTP 500"));
    }

    @Test
    void repeatedOrLateAttemptReportsChangeNothing() {
        fixture.given(created(), requested(), attempted(1, DeliveryOutcome.RETRYING, 500, 1000))
                .when(new RecordDeliveryAttemptCommand(
                        ID, DELIVERY, 1, DeliveryOutcome.RETRYING, 500, "HTTP 500", 1000))
                .expectNoEvents();
        fixture.given(
                        created(),
                        requested(),
                        attempted(1, DeliveryOutcome.DELIVERED, 200, 0),
                        new NotificationDeliveredEvent(DELIVERY, ID, NotificationChannel.WEBHOOK, 1))
                .when(new RecordDeliveryAttemptCommand(ID, DELIVERY, 2, DeliveryOutcome.DELIVERED, 200, null, 0))
                .expectNoEvents();
        fixture.given(created())
                .when(new RecordDeliveryAttemptCommand(ID, "unknown", 1, DeliveryOutcome.DELIVERED, 200, null, 0))
                .expectNoEvents();
    }
}
