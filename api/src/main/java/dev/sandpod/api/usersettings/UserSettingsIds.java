package dev.sandpod.api.usersettings;

/**
 * The settings aggregate's id for a user. Not the user id itself: the event store's uniqueness is on
 * aggregate id and sequence whatever the type, and the user account already uses the user id.
 */
public final class UserSettingsIds {

    private static final String PREFIX = "user-settings:";

    private UserSettingsIds() {}

    public static String of(String userId) {
        return PREFIX + userId;
    }
}
