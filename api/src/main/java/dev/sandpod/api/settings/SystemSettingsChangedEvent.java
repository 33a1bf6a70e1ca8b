package dev.sandpod.api.settings;

import org.axonframework.serialization.Revision;

/** Every change is an audited event with the values before and after; {@code reset} marks a reset to defaults. */
@Revision("1")
public record SystemSettingsChangedEvent(
        String settingsId, SystemSettings previous, SystemSettings settings, String changedBy, boolean reset) {}
