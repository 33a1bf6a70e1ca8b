package dev.sandpod.command.audit;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.sandpod.api.audit.EventHiddenEvent;
import dev.sandpod.api.audit.HideEventCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * The record that one stored event was hidden from the event browser, and by whom. Its only command
 * creates it: hiding an event twice meets the existing aggregate and is refused by the store.
 */
@Aggregate
class EventHide {

    @AggregateIdentifier
    private String hideId;

    private String eventId;
    private String hiddenBy;

    EventHide() {
        // for Axon
    }

    @CommandHandler
    EventHide(HideEventCommand command) {
        apply(new EventHiddenEvent(command.hideId(), command.eventId(), command.hiddenBy(), command.reason()));
    }

    @EventSourcingHandler
    void on(EventHiddenEvent event) {
        hideId = event.hideId();
        eventId = event.eventId();
        hiddenBy = event.hiddenBy();
    }
}
