package dev.sandpod.projections.script;

import dev.sandpod.api.script.SavedScriptView;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.CompoundIndex;
import org.springframework.data.mongodb.core.mapping.Document;

/** One saved script, kept by {@link SavedScriptProjection}; a deleted script is removed. */
@Document(SavedScriptDocument.COLLECTION)
@CompoundIndex(name = "user_created", def = "{'userId': 1, 'createdAt': -1}")
class SavedScriptDocument {

    static final String COLLECTION = "saved_scripts";

    @Id
    String scriptId;

    String userId;
    String name;
    String script;
    String lang;
    String langVersion;
    String description;
    Instant createdAt;
    Instant updatedAt;
    /** Sequence number of the last event applied: makes redelivered events no-ops. */
    long revision = -1;

    SavedScriptView toView() {
        return new SavedScriptView(
                scriptId, userId, name, script, lang, langVersion, description, createdAt, updatedAt, revision);
    }
}
