package dev.sandpod.sagas.notification;

import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionErroredEvent;
import dev.sandpod.api.execution.ExecutionFailedEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionTimedOutEvent;
import dev.sandpod.api.notification.BroadcastPublishedEvent;
import dev.sandpod.api.notification.CountRecentNotificationsQuery;
import dev.sandpod.api.notification.CreateNotificationCommand;
import dev.sandpod.api.notification.FindNotificationRecipientsQuery;
import dev.sandpod.api.notification.FindNotificationSubscriptionsQuery;
import dev.sandpod.api.notification.NotificationIds;
import dev.sandpod.api.notification.NotificationRecipientsView;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSource;
import dev.sandpod.api.notification.NotificationSubscriptionsView;
import dev.sandpod.api.usersettings.FindUserSettingsQuery;
import dev.sandpod.api.usersettings.NotificationPreferences;
import dev.sandpod.api.usersettings.UserSettingsView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns what happened into notifications: an execution's end for its owner (completed → medium,
 * failed/timeout/error → high), a broadcast for its audience. Each recipient's settings and subscriptions
 * decide through {@link DeliveryPlanner}; the throttle counts what the user already got.
 *
 * <p>Notification ids derive from the cause and the recipient, so a redelivered event creates nothing
 * twice. Never replayed (a rebuild must not notify anyone again); the processor starts at the head of the
 * store, so installing it does not notify about the past either. Errors propagate, so the processor retries
 * the event rather than dropping a notification.
 */
@Component
@ProcessingGroup(NotificationPolicy.PROCESSING_GROUP)
@DisallowReplay
class NotificationPolicy {

    static final String PROCESSING_GROUP = "notification-policy";
    private static final long TIMEOUT_SECONDS = 10;
    private static final Logger log = LoggerFactory.getLogger(NotificationPolicy.class);

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final EventStore events;
    private final NotificationDeliveryProperties properties;

    NotificationPolicy(
            CommandGateway commands,
            QueryGateway queries,
            EventStore events,
            NotificationDeliveryProperties properties) {
        this.commands = commands;
        this.queries = queries;
        this.events = events;
        this.properties = properties;
    }

    @EventHandler
    void on(ExecutionCompletedEvent event, @Timestamp Instant at) throws Exception {
        ExecutionOutcome outcome = event.outcome();
        execution(
                event.executionId(),
                at,
                NotificationSource.EXECUTION_COMPLETED,
                NotificationSeverity.MEDIUM,
                "completed",
                "Execution completed",
                run -> {
                    String exit = outcome == null || outcome.exitCode() == null
                            ? ""
                            : outcome.exitCode() == 0
                                    ? " with exit code 0"
                                    : " with exit code " + outcome.exitCode() + " (see stderr)";
                    String time = outcome == null || outcome.resourceUsage() == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    " in %.2f s",
                                    outcome.resourceUsage().wallSeconds());
                    return "Your " + run + " finished" + exit + time + ".";
                });
    }

    @EventHandler
    void on(ExecutionFailedEvent event, @Timestamp Instant at) throws Exception {
        ExecutionOutcome outcome = event.outcome();
        String why = outcome == null
                ? null
                : outcome.errorMessage() != null
                        ? outcome.errorMessage()
                        : outcome.errorType() == null
                                ? null
                                : outcome.errorType().wireName();
        execution(
                event.executionId(),
                at,
                NotificationSource.EXECUTION_FAILED,
                NotificationSeverity.HIGH,
                "failed",
                "Execution failed",
                run -> "Your " + run + " could not be run to its end" + (why == null ? "." : ": " + why + "."));
    }

    @EventHandler
    void on(ExecutionTimedOutEvent event, @Timestamp Instant at) throws Exception {
        execution(
                event.executionId(),
                at,
                NotificationSource.EXECUTION_FAILED,
                NotificationSeverity.HIGH,
                "timeout",
                "Execution timed out",
                run -> "Your " + run + " hit its time limit and was stopped.");
    }

    @EventHandler
    void on(ExecutionErroredEvent event, @Timestamp Instant at) throws Exception {
        execution(
                event.executionId(),
                at,
                NotificationSource.EXECUTION_FAILED,
                NotificationSeverity.HIGH,
                "error",
                "Execution could not start",
                run -> "Your " + run + " could not be started: " + event.message());
    }

    @EventHandler
    void on(BroadcastPublishedEvent event, @Timestamp Instant at) throws Exception {
        NotificationRecipientsView recipients = queries.query(
                        new FindNotificationRecipientsQuery(event.audience()), NotificationRecipientsView.class)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (recipients == null) {
            return;
        }
        for (String userId : recipients.userIds()) {
            notify(
                    NotificationIds.forCause("broadcast/" + event.broadcastId(), userId),
                    userId,
                    event.source(),
                    event.broadcastId(),
                    event.subject(),
                    event.body(),
                    event.actionUrl(),
                    event.severity(),
                    event.tags(),
                    at);
        }
    }

    private interface Body {
        String of(String run);
    }

    private void execution(
            String executionId,
            Instant at,
            NotificationSource source,
            NotificationSeverity severity,
            String status,
            String subject,
            Body body)
            throws Exception {
        Optional<ExecutionRequestedEvent> request = requestOf(executionId);
        if (request.isEmpty()) {
            log.warn("No request found for execution {}; no notification", executionId);
            return;
        }
        ExecutionRequestedEvent run = request.get();
        String described = run.lang() + " " + run.langVersion() + " run";
        notify(
                NotificationIds.forCause("execution/" + executionId, run.userId()),
                run.userId(),
                source,
                executionId,
                subject,
                body.of(described),
                "/editor?execution=" + executionId,
                severity,
                List.of("execution", status, "lang:" + run.lang(), "execution:" + executionId),
                at);
    }

    /** Who ran it and in what: the execution's first event, read from the store (no read model can lag). */
    private Optional<ExecutionRequestedEvent> requestOf(String executionId) {
        var stream = events.readEvents(executionId, 0L);
        if (!stream.hasNext()) {
            return Optional.empty();
        }
        DomainEventMessage<?> first = stream.next();
        return first.getPayload() instanceof ExecutionRequestedEvent requested
                ? Optional.of(requested)
                : Optional.empty();
    }

    private void notify(
            String notificationId,
            String userId,
            NotificationSource source,
            String sourceId,
            String subject,
            String body,
            String actionUrl,
            NotificationSeverity severity,
            List<String> tags,
            Instant at)
            throws Exception {
        UserSettingsView settings = queries.query(new FindUserSettingsQuery(userId), UserSettingsView.class)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        NotificationPreferences preferences = settings == null
                ? NotificationPreferences.DEFAULTS
                : settings.settings().notifications();
        if (!preferences.wants(source)) {
            return;
        }
        NotificationSubscriptionsView subscriptions = queries.query(
                        new FindNotificationSubscriptionsQuery(userId), NotificationSubscriptionsView.class)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (subscriptions == null) {
            subscriptions = new NotificationSubscriptionsView(userId, List.of());
        }
        var plan = DeliveryPlanner.plan(
                source, severity, tags, preferences, subscriptions, Instant.now(), throttled(userId, severity, at));
        if (plan.isEmpty()) {
            return;
        }
        try {
            commands.sendAndWait(
                    new CreateNotificationCommand(
                            notificationId,
                            userId,
                            source,
                            sourceId,
                            subject,
                            body,
                            actionUrl,
                            severity,
                            tags,
                            plan.get().channel(),
                            plan.get().status(),
                            plan.get().deliveries(),
                            at),
                    TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            if (!alreadyCreated(e)) {
                throw e;
            }
        }
    }

    private boolean throttled(String userId, NotificationSeverity severity, Instant at) throws Exception {
        var throttle = properties.throttle();
        if (!throttle.enabled()) {
            return false;
        }
        Duration window = throttle.window();
        Long recent = queries.query(new CountRecentNotificationsQuery(userId, severity, at.minus(window)), Long.class)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return recent != null && recent >= throttle.maxPerWindow();
    }

    private static boolean alreadyCreated(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof AggregateStreamCreationException || e instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }
}
