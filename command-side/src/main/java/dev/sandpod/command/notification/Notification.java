package dev.sandpod.command.notification;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.sandpod.api.error.ErrorCode;
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
import dev.sandpod.api.notification.NotificationIds;
import dev.sandpod.api.notification.NotificationReadEvent;
import dev.sandpod.api.notification.RecordDeliveryAttemptCommand;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One notification for one user: its place in the inbox (read, deleted) and its external
 * deliveries, each with every attempt recorded. Only the owner reads or deletes it; for anyone else it does
 * not exist. Attempt reports that arrive twice or after a delivery ended change nothing.
 */
@Aggregate
class Notification {

    @AggregateIdentifier
    private String notificationId;

    private String userId;
    private boolean read;
    private boolean deleted;
    private final Map<String, Delivery> deliveries = new HashMap<>();

    /** Where one external delivery stands. */
    private record Delivery(NotificationChannel channel, int lastAttempt, boolean finished) {}

    Notification() {
        // for Axon
    }

    @CommandHandler
    Notification(CreateNotificationCommand command) {
        List<String> tags = command.tags() == null ? List.of() : List.copyOf(command.tags());
        apply(new NotificationCreatedEvent(
                command.notificationId(),
                command.userId(),
                command.source(),
                command.sourceId(),
                command.channel(),
                command.status(),
                command.subject(),
                command.body(),
                command.actionUrl(),
                command.severity(),
                tags,
                command.occurredAt()));
        for (DeliveryTarget target : command.deliveries() == null ? List.<DeliveryTarget>of() : command.deliveries()) {
            apply(new NotificationDeliveryRequestedEvent(
                    NotificationIds.delivery(command.notificationId(), target.channel()),
                    command.notificationId(),
                    command.userId(),
                    target.channel(),
                    target.url(),
                    command.subject(),
                    command.body(),
                    command.actionUrl(),
                    command.severity(),
                    tags));
        }
    }

    @CommandHandler
    void handle(MarkNotificationReadCommand command) {
        requireOwner(command.userId());
        if (!read) {
            apply(new NotificationReadEvent(notificationId, userId));
        }
    }

    @CommandHandler
    void handle(DeleteNotificationCommand command) {
        requireOwner(command.userId());
        apply(new NotificationDeletedEvent(notificationId, userId));
    }

    /** Deliveries are recorded even for a notification deleted from the inbox: the attempts happened. */
    @CommandHandler
    void handle(RecordDeliveryAttemptCommand command) {
        Delivery delivery = deliveries.get(command.deliveryId());
        if (delivery == null || delivery.finished() || command.attempt() <= delivery.lastAttempt()) {
            return;
        }
        apply(new NotificationDeliveryAttemptedEvent(
                command.deliveryId(),
                notificationId,
                delivery.channel(),
                command.attempt(),
                command.outcome(),
                command.statusCode(),
                command.error(),
                command.outcome() == DeliveryOutcome.RETRYING ? command.retryAfterMillis() : 0));
        if (command.outcome() == DeliveryOutcome.DELIVERED) {
            apply(new NotificationDeliveredEvent(
                    command.deliveryId(), notificationId, delivery.channel(), command.attempt()));
        } else if (command.outcome() == DeliveryOutcome.FAILED) {
            apply(new NotificationDeliveryFailedEvent(
                    command.deliveryId(), notificationId, delivery.channel(), command.attempt(), command.error()));
        }
    }

    private void requireOwner(String caller) {
        if (deleted || !Objects.equals(userId, caller)) {
            throw new SandpodException(ErrorCode.NOT_FOUND, "Notification not found");
        }
    }

    @EventSourcingHandler
    void on(NotificationCreatedEvent event) {
        notificationId = event.notificationId();
        userId = event.userId();
    }

    @EventSourcingHandler
    void on(NotificationDeliveryRequestedEvent event) {
        deliveries.put(event.deliveryId(), new Delivery(event.channel(), 0, false));
    }

    @EventSourcingHandler
    void on(NotificationDeliveryAttemptedEvent event) {
        deliveries.computeIfPresent(
                event.deliveryId(),
                (id, delivery) ->
                        new Delivery(delivery.channel(), event.attempt(), event.outcome() != DeliveryOutcome.RETRYING));
    }

    @EventSourcingHandler
    void on(NotificationDeliveredEvent event) {
        deliveries.computeIfPresent(
                event.deliveryId(), (id, delivery) -> new Delivery(delivery.channel(), delivery.lastAttempt(), true));
    }

    @EventSourcingHandler
    void on(NotificationDeliveryFailedEvent event) {
        deliveries.computeIfPresent(
                event.deliveryId(), (id, delivery) -> new Delivery(delivery.channel(), delivery.lastAttempt(), true));
    }

    @EventSourcingHandler
    void on(NotificationReadEvent event) {
        read = true;
    }

    @EventSourcingHandler
    void on(NotificationDeletedEvent event) {
        deleted = true;
    }
}
