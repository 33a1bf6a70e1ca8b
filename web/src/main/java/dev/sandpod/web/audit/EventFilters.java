package dev.sandpod.web.audit;

import dev.sandpod.web.support.QueryParameters;
import java.time.Instant;

/** Times in event filters: ISO-8601 with an offset, or without one (read as UTC), as browsers send them. */
final class EventFilters {

    private EventFilters() {}

    static Instant time(String name, String value) {
        return QueryParameters.instantOrUtc(name, value);
    }
}
