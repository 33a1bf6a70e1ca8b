package dev.sandpod.query.audit;

import dev.sandpod.projections.eventindex.AuditedEvent;
import dev.sandpod.projections.eventindex.EventIndexDocument;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The event browser's CSV export format ({@link EventIndexQueries#exportCsv}): one row per event. */
final class EventCsv {

    static final List<String> COLUMNS = List.of(
            "event_id",
            "event_type",
            "timestamp",
            "aggregate_type",
            "aggregate_id",
            "sequence_number",
            "user_id",
            "correlation_id",
            "payload");

    static final String HEADER = String.join(",", COLUMNS) + "\n";

    private EventCsv() {}

    static String row(EventIndexDocument doc) {
        Map<String, Object> event = AuditedEvent.parse(doc.eventJson);
        return Stream.of(
                                doc.eventId,
                                doc.type,
                                doc.timestamp == null ? "" : doc.timestamp.toString(),
                                doc.aggregateType,
                                doc.aggregateId,
                                String.valueOf(doc.sequence),
                                doc.userId,
                                doc.correlationId,
                                AuditedEvent.json(event.get("payload")))
                        .map(EventCsv::cell)
                        .collect(Collectors.joining(","))
                + "\n";
    }

    static String cell(String value) {
        if (value == null) {
            return "";
        }
        // a leading =, +, - or @ would be run as a formula by spreadsheet programs
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }
}
