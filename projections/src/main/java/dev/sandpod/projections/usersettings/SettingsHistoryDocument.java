package dev.sandpod.projections.usersettings;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.CompoundIndex;
import org.springframework.data.mongodb.core.mapping.Document;

/** One changed field of one settings event; values as JSON text (see {@link UserSettingsDocument}). */
@Document(SettingsHistoryDocument.COLLECTION)
@CompoundIndex(name = "user_sequence", def = "{'userId': 1, 'sequence': -1}")
class SettingsHistoryDocument {

    static final String COLLECTION = "user_settings_history";

    /** Event id and field index: a redelivered event overwrites its own entries. */
    @Id
    String id;

    String userId;
    long sequence;
    int index;
    Instant timestamp;
    String eventType;
    String field;
    String oldValueJson;
    String newValueJson;
    String reason;
}
