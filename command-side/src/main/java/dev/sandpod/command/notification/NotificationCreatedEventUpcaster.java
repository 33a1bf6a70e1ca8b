package dev.sandpod.command.notification;

import dev.sandpod.api.notification.NotificationCreatedEvent;
import dev.sandpod.command.support.NullFieldUpcaster;
import org.springframework.stereotype.Component;

/**
 * {@link NotificationCreatedEvent} revision 1 → 2: revision 2 records when the notification's cause happened;
 * revision 1 did not, so it reads as null (the inbox then orders it by the event's own time).
 */
@Component
class NotificationCreatedEventUpcaster extends NullFieldUpcaster {

    NotificationCreatedEventUpcaster() {
        super(NotificationCreatedEvent.class, "1", "2", "occurredAt");
    }
}
