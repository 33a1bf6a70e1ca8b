package dev.sandpod.projections.eventindex;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.CompoundIndex;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One stored event, indexed for the event browser and the users' own queries. Every query filters on
 * {@code hidden} first (always stored, false until an admin hides the event), so that counts of the
 * browser's filters are answered by the index alone. The rendered event is kept as JSON text: payloads hold
 * user-chosen keys (custom settings) that Mongo field names could not.
 */
@Document(EventIndexDocument.COLLECTION)
@CompoundIndex(name = "hidden_time", def = "{'hidden': 1, 'timestamp': -1}")
@CompoundIndex(name = "hidden_type_time", def = "{'hidden': 1, 'type': 1, 'timestamp': -1}")
@CompoundIndex(name = "hidden_user_time", def = "{'hidden': 1, 'userId': 1, 'timestamp': -1}")
@CompoundIndex(name = "hidden_owner_time", def = "{'hidden': 1, 'ownerId': 1, 'timestamp': -1}")
@CompoundIndex(name = "hidden_aggregate_time", def = "{'hidden': 1, 'aggregateId': 1, 'timestamp': -1}")
@CompoundIndex(name = "hidden_correlation_time", def = "{'hidden': 1, 'correlationId': 1, 'timestamp': 1}")
public class EventIndexDocument {

    public static final String COLLECTION = "event_index";

    @Id
    public String eventId;

    /** The wire type ({@code execution_requested}). */
    public String type;

    public String aggregateId;
    public String aggregateType;
    public long sequence;
    public Instant timestamp;
    /** The hour the event falls in ({@code 2026-01-02T13:00:00Z}), for the statistics' per-hour counts. */
    public String hour;
    /** Who caused it (the metadata's user). */
    public String userId;
    /** The user whose aggregate it belongs to; null for system-wide aggregates (queue, system settings). */
    public String ownerId;

    public String correlationId;
    public boolean error;
    /** The run's wall time for a finished execution, else null. */
    public Double processingSeconds;
    /** Lower-case payload JSON, for the browser's text search. */
    public String searchText;
    /** The rendered event ({@link AuditedEvent#render}). */
    public String eventJson;

    public boolean hidden;
    public String hiddenBy;
    public Instant hiddenAt;
}
