package dev.sandpod.sagas.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionTimedOutEvent;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.api.notification.BroadcastAudience;
import dev.sandpod.api.notification.BroadcastPublishedEvent;
import dev.sandpod.api.notification.CountRecentNotificationsQuery;
import dev.sandpod.api.notification.CreateNotificationCommand;
import dev.sandpod.api.notification.FindNotificationRecipientsQuery;
import dev.sandpod.api.notification.FindNotificationSubscriptionsQuery;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationIds;
import dev.sandpod.api.notification.NotificationRecipientsView;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSource;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.NotificationSubscriptionsView;
import dev.sandpod.api.usersettings.FindUserSettingsQuery;
import dev.sandpod.api.usersettings.NotificationPreferences;
import dev.sandpod.api.usersettings.UserPreferences;
import dev.sandpod.api.usersettings.UserSettingsPatch;
import dev.sandpod.api.usersettings.UserSettingsView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.queryhandling.QueryGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The policy's decisions, with the store, the queries and the command bus stubbed. */
class NotificationPolicyTest {

    private static final String EXECUTION = "exec-1";
    private static final String USER = "user-1";
    private static final Instant AT = Instant.parse("2026-06-01T12:00:00Z");
    private static final ExecutionOutcome HI =
            new ExecutionOutcome("hi\n", "", false, false, 0, null, null, new ResourceUsage(0.25, 2, 100, 9000));

    private CommandGateway commands;
    private QueryGateway queries;
    private EventStore events;
    private NotificationPolicy policy;
    private final List<CreateNotificationCommand> created = new ArrayList<>();

    @BeforeEach
    void setUp() {
        commands = mock(CommandGateway.class);
        queries = mock(QueryGateway.class);
        events = mock(EventStore.class);
        when(commands.sendAndWait(any(), anyLong(), any(TimeUnit.class))).thenAnswer(call -> {
            created.add(call.getArgument(0));
            return null;
        });
        when(events.readEvents(eq(EXECUTION), eq(0L)))
                .thenAnswer(call -> DomainEventStream.of(new GenericDomainEventMessage<>(
                        "Execution",
                        EXECUTION,
                        0,
                        new ExecutionRequestedEvent(
                                EXECUTION, USER, "print('hi')", "python", "3.11", Priority.NORMAL))));
        settings(UserPreferences.DEFAULTS);
        when(queries.query(any(FindNotificationSubscriptionsQuery.class), eq(NotificationSubscriptionsView.class)))
                .thenReturn(CompletableFuture.completedFuture(new NotificationSubscriptionsView(USER, List.of())));
        policy = policy(false);
    }

    private NotificationPolicy policy(boolean throttle) {
        return new NotificationPolicy(
                commands,
                queries,
                events,
                new NotificationDeliveryProperties(
                        "s",
                        false,
                        false,
                        new NotificationDeliveryProperties.Throttle(throttle, 5, Duration.ofHours(1)),
                        new NotificationDeliveryProperties.Delivery(
                                5,
                                Duration.ofSeconds(30),
                                2.0,
                                Duration.ofMinutes(30),
                                Duration.ofSeconds(3),
                                Duration.ofSeconds(10))));
    }

    private void settings(UserPreferences preferences) {
        when(queries.query(any(FindUserSettingsQuery.class), eq(UserSettingsView.class)))
                .thenReturn(CompletableFuture.completedFuture(new UserSettingsView(USER, preferences, 2, AT, AT, 0)));
    }

    @Test
    void aCompletedRunNotifiesItsOwnerWithAnIdDerivedFromTheRun() throws Exception {
        policy.on(new ExecutionCompletedEvent(EXECUTION, HI), AT);

        assertThat(created).hasSize(1);
        CreateNotificationCommand command = created.get(0);
        assertThat(command.notificationId()).isEqualTo(NotificationIds.forCause("execution/" + EXECUTION, USER));
        assertThat(command.userId()).isEqualTo(USER);
        assertThat(command.source()).isEqualTo(NotificationSource.EXECUTION_COMPLETED);
        assertThat(command.severity()).isEqualTo(NotificationSeverity.MEDIUM);
        assertThat(command.subject()).isEqualTo("Execution completed");
        assertThat(command.body()).isEqualTo("Your python 3.11 run finished with exit code 0 in 0.25 s.");
        assertThat(command.tags()).containsExactly("execution", "completed", "lang:python", "execution:" + EXECUTION);
        assertThat(command.channel()).isEqualTo(NotificationChannel.IN_APP);
        assertThat(command.status()).isEqualTo(NotificationStatus.DELIVERED);
    }

    @Test
    void aTimeoutIsHighSeverity() throws Exception {
        policy.on(
                new ExecutionTimedOutEvent(
                        EXECUTION,
                        new ExecutionOutcome(
                                "", "", false, false, -1, ErrorType.TIMEOUT, "wall limit", ResourceUsage.NONE)),
                AT);

        assertThat(created.get(0).severity()).isEqualTo(NotificationSeverity.HIGH);
        assertThat(created.get(0).source()).isEqualTo(NotificationSource.EXECUTION_FAILED);
        assertThat(created.get(0).subject()).isEqualTo("Execution timed out");
    }

    @Test
    void aUserWhoTurnedOffCompletedRunsIsNotNotified() throws Exception {
        settings(UserSettingsPatch.notifications(
                        new NotificationPreferences(false, true, true, true, List.of(NotificationChannel.IN_APP)))
                .applyTo(UserPreferences.DEFAULTS));

        policy.on(new ExecutionCompletedEvent(EXECUTION, HI), AT);

        assertThat(created).isEmpty();
        verify(commands, never()).sendAndWait(any(), anyLong(), any(TimeUnit.class));
    }

    @Test
    void aRedeliveredEndCreatesNothingTwice() throws Exception {
        when(commands.sendAndWait(any(), anyLong(), any(TimeUnit.class)))
                .thenThrow(new AggregateStreamCreationException("exists"));

        policy.on(new ExecutionCompletedEvent(EXECUTION, HI), AT);
    }

    @Test
    void overTheThrottleTheNotificationIsKeptAsSkipped() throws Exception {
        when(queries.query(any(CountRecentNotificationsQuery.class), eq(Long.class)))
                .thenReturn(CompletableFuture.completedFuture(5L));

        policy(true).on(new ExecutionCompletedEvent(EXECUTION, HI), AT);

        assertThat(created.get(0).status()).isEqualTo(NotificationStatus.SKIPPED);
        ArgumentCaptor<CountRecentNotificationsQuery> count =
                ArgumentCaptor.forClass(CountRecentNotificationsQuery.class);
        verify(queries).query(count.capture(), eq(Long.class));
        assertThat(count.getValue().since()).isEqualTo(AT.minus(Duration.ofHours(1)));
    }

    @Test
    void aBroadcastReachesEveryRecipientOnce() throws Exception {
        when(queries.query(any(FindNotificationRecipientsQuery.class), eq(NotificationRecipientsView.class)))
                .thenReturn(CompletableFuture.completedFuture(new NotificationRecipientsView(List.of("a", "b"))));

        policy.on(
                new BroadcastPublishedEvent(
                        "b-1",
                        NotificationSource.ALERT,
                        BroadcastAudience.ADMINS,
                        "[FIRING] Disk",
                        "Disk full",
                        NotificationSeverity.URGENT,
                        List.of("alert"),
                        "/",
                        "grafana"),
                AT);

        assertThat(created).extracting(CreateNotificationCommand::userId).containsExactly("a", "b");
        assertThat(created)
                .extracting(CreateNotificationCommand::notificationId)
                .doesNotHaveDuplicates();
        assertThat(created.get(0).severity()).isEqualTo(NotificationSeverity.URGENT);
    }
}
