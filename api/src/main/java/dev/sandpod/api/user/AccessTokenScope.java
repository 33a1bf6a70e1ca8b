package dev.sandpod.api.user;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a personal access token may do. {@code execute}: run, cancel and retry scripts and read those runs;
 * {@code read}: every read of the caller's own data; {@code scripts}: the saved scripts; {@code admin}: what
 * the account's admin role allows (only an admin may grant it, and only while the account is an admin).
 */
public enum AccessTokenScope {
    EXECUTE,
    READ,
    SCRIPTS,
    ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AccessTokenScope> fromWire(String value) {
        return Arrays.stream(values())
                .filter(scope -> scope.wireName().equals(value))
                .findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(AccessTokenScope::wireName).toList();
    }
}
