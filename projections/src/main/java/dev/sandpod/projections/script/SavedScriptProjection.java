package dev.sandpod.projections.script;

import dev.sandpod.api.script.ScriptDeletedEvent;
import dev.sandpod.api.script.ScriptSavedEvent;
import dev.sandpod.projections.ReadModelReset;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/** The saved-scripts read model. Guarded by sequence number, so a redelivered event changes nothing. */
@Component
@ProcessingGroup(SavedScriptProjection.PROCESSING_GROUP)
class SavedScriptProjection {

    static final String PROCESSING_GROUP = "saved-scripts";

    private final MongoTemplate mongo;

    SavedScriptProjection(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventHandler
    void on(ScriptSavedEvent event, @SequenceNumber long sequence, @Timestamp Instant at) {
        SavedScriptDocument doc = mongo.findById(event.scriptId(), SavedScriptDocument.class);
        if (doc == null) {
            doc = new SavedScriptDocument();
            doc.scriptId = event.scriptId();
            doc.createdAt = at;
        } else if (doc.revision >= sequence) {
            return;
        }
        doc.userId = event.userId();
        doc.name = event.name();
        doc.script = event.script();
        doc.lang = event.lang();
        doc.langVersion = event.langVersion();
        doc.description = event.description();
        doc.updatedAt = at;
        doc.revision = sequence;
        mongo.save(doc);
    }

    @EventHandler
    void on(ScriptDeletedEvent event) {
        mongo.remove(Query.query(Criteria.where("_id").is(event.scriptId())), SavedScriptDocument.class);
    }

    @ResetHandler
    void reset() {
        ReadModelReset.dropAndReindex(mongo, SavedScriptDocument.class);
    }
}
