package dev.sandpod.sagas.notification;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import dev.sandpod.api.notification.DeliveryOutcome;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationDeliveredEvent;
import dev.sandpod.api.notification.NotificationDeliveryAttemptedEvent;
import dev.sandpod.api.notification.NotificationDeliveryFailedEvent;
import dev.sandpod.api.notification.NotificationDeliveryRequestedEvent;
import dev.sandpod.api.notification.RecordDeliveryAttemptCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;

/**
 * Delivers one notification to one webhook or Slack address. Every attempt runs as a persistent deadline
 * (it survives a restart and runs on the deadline scheduler's threads, so a slow or failing receiver never
 * holds up other deliveries or the event processors). Each attempt's outcome is recorded on the
 * notification; a failed one schedules the next after an exponential backoff, until delivered or the
 * attempts are used up.
 *
 * <p>State is serialized with Jackson, through its fields.
 */
@Saga
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE,
        setterVisibility = Visibility.NONE)
public class NotificationDeliverySaga {

    static final String ASSOCIATION = "deliveryId";
    static final String ATTEMPT_DEADLINE = "notification-delivery-attempt";

    private String deliveryId;
    private String notificationId;
    private String userId;
    private NotificationChannel channel;
    private String target;
    private String subject;
    private String body;
    private String actionUrl;
    private String severity;
    private List<String> tags = new ArrayList<>();
    private String attemptScheduleId;

    @StartSaga
    @SagaEventHandler(associationProperty = ASSOCIATION)
    void on(NotificationDeliveryRequestedEvent event, DeadlineManager deadlines) {
        deliveryId = event.deliveryId();
        notificationId = event.notificationId();
        userId = event.userId();
        channel = event.channel();
        target = event.target();
        subject = event.subject();
        body = event.body();
        actionUrl = event.actionUrl();
        severity = event.severity().wireName();
        tags = event.tags() == null ? new ArrayList<>() : new ArrayList<>(event.tags());
        attemptScheduleId = deadlines.schedule(Duration.ZERO, ATTEMPT_DEADLINE, 1);
    }

    /**
     * Blocks on purpose (the post, then the record): a deadline that fails — say, before the command bus is
     * ready after a restart — is retried by the deadline manager instead of being lost.
     */
    @DeadlineHandler(deadlineName = ATTEMPT_DEADLINE)
    void attempt(Integer attempt, CommandGateway commands, WebhookClient client, DeliverySchedule schedule) {
        WebhookClient.Result result = client.send(new WebhookClient.Delivery(
                deliveryId,
                notificationId,
                userId,
                channel,
                target,
                subject,
                body,
                actionUrl,
                severity,
                tags,
                attempt));
        DeliveryOutcome outcome = result.delivered()
                ? DeliveryOutcome.DELIVERED
                : result.permanent() || schedule.isLast(attempt) ? DeliveryOutcome.FAILED : DeliveryOutcome.RETRYING;
        long retryAfter =
                outcome == DeliveryOutcome.RETRYING ? schedule.backoff(attempt).toMillis() : 0;
        commands.sendAndWait(new RecordDeliveryAttemptCommand(
                notificationId, deliveryId, attempt, outcome, result.statusCode(), result.error(), retryAfter));
    }

    @SagaEventHandler(associationProperty = ASSOCIATION)
    void on(NotificationDeliveryAttemptedEvent event, DeadlineManager deadlines) {
        if (event.outcome() == DeliveryOutcome.RETRYING) {
            attemptScheduleId = deadlines.schedule(
                    Duration.ofMillis(event.retryAfterMillis()), ATTEMPT_DEADLINE, event.attempt() + 1);
        }
    }

    @EndSaga
    @SagaEventHandler(associationProperty = ASSOCIATION)
    void on(NotificationDeliveredEvent event) {
        attemptScheduleId = null;
    }

    @EndSaga
    @SagaEventHandler(associationProperty = ASSOCIATION)
    void on(NotificationDeliveryFailedEvent event) {
        attemptScheduleId = null;
    }
}
