package dev.sandpod.web.audit;

import dev.sandpod.web.support.QueryParameters;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Times in event filters: ISO-8601 with an offset, or without one (read as UTC), as browsers send them. */
final class EventFilters {

    private EventFilters() {}

    static Instant time(String name, String value) {
        if (QueryParameters.optional(value) == null) {
            return null;
        }
        try {
            return QueryParameters.instant(name, value);
        } catch (RuntimeException e) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw e;
            }
        }
    }
}
