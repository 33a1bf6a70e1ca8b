package dev.sandpod.app.roles;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What an instance runs ({@code sandpod.roles}, {@code SANDPOD_ROLES}): any of {@code api} (the HTTP edge,
 * commands and queries), {@code processors} (the streaming event processors: projections, sagas, run dispatch,
 * notification delivery, and the deadline scheduler) and {@code executor} (consumes run requests from Kafka and
 * runs them). Default: all three. An instance with only {@code executor} needs only Kafka: it starts no Mongo
 * client, event store or job scheduler ({@link ExecutorOnlyApplication}).
 */
public record SandpodRoles(Set<Role> roles) {

    public static final String PROPERTY = "sandpod.roles";
    public static final String VARIABLE = "SANDPOD_ROLES";

    public enum Role {
        API,
        PROCESSORS,
        EXECUTOR
    }

    public static SandpodRoles all() {
        return new SandpodRoles(EnumSet.allOf(Role.class));
    }

    /** Parses a comma- or space-separated list; blank means all roles. Unknown names are refused. */
    public static SandpodRoles parse(String value) {
        if (value == null || value.isBlank()) {
            return all();
        }
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : value.trim().split("[,\\s]+")) {
            if (name.isEmpty()) {
                continue;
            }
            try {
                roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(VARIABLE + " (" + PROPERTY + ") names an unknown role '" + name
                        + "'; the roles are " + names(EnumSet.allOf(Role.class)));
            }
        }
        return roles.isEmpty() ? all() : new SandpodRoles(roles);
    }

    /**
     * The roles as the process was asked to run them, before Spring starts: a {@code --sandpod.roles=} argument,
     * else the system property, else the environment variable.
     */
    public static SandpodRoles fromProcess(
            String[] args, UnaryOperator<String> systemProperties, Map<String, String> env) {
        for (String arg : args) {
            if (arg.startsWith("--" + PROPERTY + "=")) {
                return parse(arg.substring(PROPERTY.length() + 3));
            }
        }
        String property = systemProperties.apply(PROPERTY);
        return parse(property != null ? property : env.get(VARIABLE));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** Only the executor: no event store, no read models, no HTTP API but health. */
    public boolean executorOnly() {
        return roles.equals(EnumSet.of(Role.EXECUTOR));
    }

    /** The API or the processors need the event store and read models (Mongo). */
    public boolean needsStore() {
        return has(Role.API) || has(Role.PROCESSORS);
    }

    @Override
    public String toString() {
        return names(roles);
    }

    private static String names(Set<Role> roles) {
        return Arrays.stream(Role.values())
                .filter(roles::contains)
                .map(role -> role.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(","));
    }
}
