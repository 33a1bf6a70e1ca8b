package dev.sandpod.api.usersettings;

import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Put the settings back as they were at {@code timestamp}; answers the revision after the restore. */
public record RestoreUserSettingsCommand(
        @TargetAggregateIdentifier String settingsId, String userId, Instant timestamp, String reason) {}
