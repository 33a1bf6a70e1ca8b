package dev.sandpod.command.user;

import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/** Password hashes, keyed by user id; the command side's private state, never an event. */
@Component
class CredentialStore {

    static final String COLLECTION = "user_credentials";

    private final MongoTemplate mongo;

    CredentialStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    void save(String userId, String hash) {
        mongo.getCollection(COLLECTION)
                .replaceOne(
                        new Document("_id", userId),
                        new Document("_id", userId).append("hash", hash),
                        new com.mongodb.client.model.ReplaceOptions().upsert(true));
    }

    Optional<String> hashOf(String userId) {
        Document doc = mongo.findOne(Query.query(Criteria.where("_id").is(userId)), Document.class, COLLECTION);
        return Optional.ofNullable(doc).map(d -> d.getString("hash"));
    }

    void delete(String userId) {
        mongo.remove(Query.query(Criteria.where("_id").is(userId)), COLLECTION);
    }
}
