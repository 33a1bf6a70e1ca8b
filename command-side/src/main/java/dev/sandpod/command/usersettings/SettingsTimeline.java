package dev.sandpod.command.usersettings;

import dev.sandpod.api.usersettings.UserPreferences;
import dev.sandpod.api.usersettings.UserSettingsChangedEvent;
import dev.sandpod.api.usersettings.UserSettingsRestoredEvent;
import java.time.Instant;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

/**
 * A user's settings as they were at an instant, read from the settings' own events in the store. Read from
 * sequence 0, which bypasses snapshots: a snapshot knows only the present.
 */
@Component
class SettingsTimeline {

    private final EventStore events;

    SettingsTimeline(EventStore events) {
        this.events = events;
    }

    /** The defaults when nothing had been changed by then. */
    UserPreferences at(String settingsId, Instant instant) {
        UserPreferences state = UserPreferences.DEFAULTS;
        var stream = events.readEvents(settingsId, 0L);
        while (stream.hasNext()) {
            DomainEventMessage<?> message = stream.next();
            if (message.getTimestamp().isAfter(instant)) {
                break;
            }
            Object payload = message.getPayload();
            if (payload instanceof UserSettingsChangedEvent changed) {
                state = changed.settings();
            } else if (payload instanceof UserSettingsRestoredEvent restored) {
                state = restored.settings();
            }
        }
        return state;
    }
}
