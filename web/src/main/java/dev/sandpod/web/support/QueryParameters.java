package dev.sandpod.web.support;

import dev.sandpod.api.error.RequestValidationException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one reader of query parameters, so every endpoint answers a bad one with the same 422 texts:
 * {@code Input should be a valid integer}, {@code Input should be between MIN and MAX},
 * {@code Input should be one of [..]}, {@code Input should be a valid boolean},
 * {@code Input should be a valid datetime}. Each violation is located at {@code ["query", name]}.
 *
 * <p>Parameters arrive as strings (not bound by Spring as {@code int} or an enum) so that a bad value gets
 * these answers instead of the framework's. A blank optional parameter counts as not given.
 */
public final class QueryParameters {

    private QueryParameters() {}

    /** A whole number in {@code [min, max]}; not a number and out of range are told apart. */
    public static int integer(String name, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, "Input should be a valid integer");
        }
        if (parsed < min || parsed > max) {
            throw invalid(name, "Input should be between " + min + " and " + max);
        }
        return parsed;
    }

    /** One of an enum's wire names; {@code null} when not given. */
    public static <E extends Enum<E>> E oneOf(
            String name, String value, Function<String, E> fromWire, E[] values, Function<E, String> wireName) {
        if (optional(value) == null) {
            return null;
        }
        try {
            return fromWire.apply(value);
        } catch (RuntimeException e) {
            throw invalid(
                    name,
                    "Input should be one of "
                            + Arrays.stream(values).map(wireName).toList());
        }
    }

    /** {@code true} or {@code false}, in any case. */
    public static boolean bool(String name, String value) {
        String trimmed = value.trim();
        if ("true".equalsIgnoreCase(trimmed)) {
            return true;
        }
        if ("false".equalsIgnoreCase(trimmed)) {
            return false;
        }
        throw invalid(name, "Input should be a valid boolean");
    }

    /**
     * As {@link #instant}, and also a date-time without an offset, read as UTC (as browsers' datetime inputs send
     * it); {@code null} when not given. Fails as {@link #instant} does.
     */
    public static Instant instantOrUtc(String name, String value) {
        try {
            return instant(name, value);
        } catch (RuntimeException e) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw e;
            }
        }
    }

    /** An ISO-8601 date-time with an offset (or a UTC instant); {@code null} when not given. */
    public static Instant instant(String name, String value) {
        if (optional(value) == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException again) {
                throw invalid(name, "Input should be a valid datetime");
            }
        }
    }

    /**
     * A list given as repeated parameters, as one comma-separated value, or both; blanks dropped. A
     * parameter without a value ({@code ?include_tags}) or not given at all is the empty list.
     */
    public static List<String> list(List<String> values) {
        if (values == null) {
            return List.of();
        }
        return values.stream()
                .filter(Objects::nonNull)
                .flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    /** The value, or {@code null} when it is missing or blank. */
    public static String optional(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** A 422 for a query parameter, in the same shape as the parser's own. */
    public static RequestValidationException invalid(String name, String message) {
        return RequestValidationException.of("query", name, message);
    }
}
