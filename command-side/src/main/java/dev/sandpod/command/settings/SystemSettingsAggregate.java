package dev.sandpod.command.settings;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.sandpod.api.settings.ResetSystemSettingsCommand;
import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.settings.SystemSettingsChangedEvent;
import dev.sandpod.api.settings.UpdateSystemSettingsCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/** The system settings; it starts at the defaults and every change is an event with before and after. */
@Aggregate
class SystemSettingsAggregate {

    @AggregateIdentifier
    private String settingsId;

    private SystemSettings current = SystemSettings.DEFAULTS;

    SystemSettingsAggregate() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    SystemSettings handle(UpdateSystemSettingsCommand command) {
        if (!command.settings().equals(current) || settingsId == null) {
            apply(new SystemSettingsChangedEvent(
                    command.settingsId(), current, command.settings(), command.changedBy(), false));
        }
        return current;
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    SystemSettings handle(ResetSystemSettingsCommand command) {
        apply(new SystemSettingsChangedEvent(
                command.settingsId(), current, SystemSettings.DEFAULTS, command.changedBy(), true));
        return current;
    }

    @EventSourcingHandler
    void on(SystemSettingsChangedEvent event) {
        settingsId = event.settingsId();
        current = event.settings();
    }
}
