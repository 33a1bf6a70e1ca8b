package dev.sandpod.api.settings;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record UpdateSystemSettingsCommand(
        @TargetAggregateIdentifier String settingsId, SystemSettings settings, String changedBy) {}
