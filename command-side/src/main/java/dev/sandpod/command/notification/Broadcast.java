package dev.sandpod.command.notification;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.sandpod.api.notification.BroadcastPublishedEvent;
import dev.sandpod.api.notification.PublishBroadcastCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * An admin announcement or an external alert, published once. Its id is derived from what it is about, so
 * the same alert sent again is refused by the event store instead of notifying everyone twice.
 */
@Aggregate
class Broadcast {

    @AggregateIdentifier
    private String broadcastId;

    Broadcast() {
        // for Axon
    }

    @CommandHandler
    Broadcast(PublishBroadcastCommand command) {
        apply(new BroadcastPublishedEvent(
                command.broadcastId(),
                command.source(),
                command.audience(),
                command.subject(),
                command.body(),
                command.severity(),
                command.tags(),
                command.actionUrl(),
                command.publishedBy()));
    }

    @EventSourcingHandler
    void on(BroadcastPublishedEvent event) {
        broadcastId = event.broadcastId();
    }
}
