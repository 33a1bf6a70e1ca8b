package dev.sandpod.command.usersettings;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.usersettings.ChangeUserSettingsCommand;
import dev.sandpod.api.usersettings.RestoreUserSettingsCommand;
import dev.sandpod.api.usersettings.SettingChange;
import dev.sandpod.api.usersettings.UserPreferences;
import dev.sandpod.api.usersettings.UserSettingsChangedEvent;
import dev.sandpod.api.usersettings.UserSettingsRestoredEvent;
import java.util.List;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A user's settings, event-sourced: every change is an event with the values before and after,
 * and a restore is an event too, carrying the values it restored — so it survives any rebuild.
 *
 * <p>Snapshotted every {@code sandpod.user-settings.snapshot-threshold} events. Snapshots are Jackson
 * documents of this class: every field, the identifier above all, must be visible to Jackson, or a snapshot
 * saves fine and every later command fails.
 */
@Aggregate(snapshotTriggerDefinition = UserSettingsConfiguration.SNAPSHOT_TRIGGER)
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE,
        setterVisibility = Visibility.NONE)
class UserSettingsAggregate {

    static final int MAX_CUSTOM_SETTINGS = 100;

    @AggregateIdentifier
    private String settingsId;

    private String userId;
    private UserPreferences current = UserPreferences.DEFAULTS;
    private long revision = -1;

    UserSettingsAggregate() {
        // for Axon and for snapshots
    }

    /** Answers the revision after the change. Nothing changes, and nothing is recorded, when nothing differs. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    long handle(ChangeUserSettingsCommand command) {
        UserPreferences next = command.patch().applyTo(current);
        if (next.customSettings().size() > MAX_CUSTOM_SETTINGS) {
            throw RequestValidationException.of(
                    "body", "custom_settings", "At most " + MAX_CUSTOM_SETTINGS + " custom settings");
        }
        List<String> changed = UserPreferences.diff(current, next).stream()
                .map(SettingChange::field)
                .toList();
        if (!changed.isEmpty() || settingsId == null) {
            apply(new UserSettingsChangedEvent(
                    command.settingsId(), command.userId(), current, next, changed, command.reason()));
        }
        return revision;
    }

    /** The state at that instant comes from the event store itself, the one source that forgets nothing. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    long handle(RestoreUserSettingsCommand command, SettingsTimeline timeline) {
        UserPreferences then = timeline.at(command.settingsId(), command.timestamp());
        apply(new UserSettingsRestoredEvent(
                command.settingsId(), command.userId(), current, then, command.timestamp(), command.reason()));
        return revision;
    }

    @EventSourcingHandler
    void on(UserSettingsChangedEvent event, @SequenceNumber long sequence) {
        settingsId = event.settingsId();
        userId = event.userId();
        current = event.settings();
        revision = sequence;
    }

    @EventSourcingHandler
    void on(UserSettingsRestoredEvent event, @SequenceNumber long sequence) {
        settingsId = event.settingsId();
        userId = event.userId();
        current = event.settings();
        revision = sequence;
    }
}
