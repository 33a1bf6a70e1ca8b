package dev.sandpod.projections.script;

import dev.sandpod.api.script.SavedScriptView;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/** Read access for the query side; views, never documents. */
@Component
public class SavedScriptReadModel {

    private final MongoTemplate mongo;

    SavedScriptReadModel(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Optional<SavedScriptView> byId(String scriptId) {
        return Optional.ofNullable(mongo.findById(scriptId, SavedScriptDocument.class))
                .map(SavedScriptDocument::toView);
    }

    /** Newest first. */
    public List<SavedScriptView> ofUser(String userId) {
        Query query = Query.query(Criteria.where("userId").is(userId))
                .with(Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("_id")));
        return mongo.find(query, SavedScriptDocument.class).stream()
                .map(SavedScriptDocument::toView)
                .toList();
    }
}
