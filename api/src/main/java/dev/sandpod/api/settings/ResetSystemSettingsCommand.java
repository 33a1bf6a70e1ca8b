package dev.sandpod.api.settings;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record ResetSystemSettingsCommand(
        @TargetAggregateIdentifier String settingsId, String changedBy) {}
