package dev.sandpod.api.usersettings;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Answers the aggregate's revision (sequence number of its last event) after the change. */
public record ChangeUserSettingsCommand(
        @TargetAggregateIdentifier String settingsId, String userId, UserSettingsPatch patch, String reason) {}
