package dev.sandpod.api.settings;

public final class SettingsIds {

    /** The one system settings aggregate. */
    public static final String SYSTEM = "system";

    private SettingsIds() {}
}
