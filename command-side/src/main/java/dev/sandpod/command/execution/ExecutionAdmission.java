package dev.sandpod.command.execution;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * The command side's admission tables: idempotency keys (SPEC §3.1) and each user's active executions.
 * Both rely on single-document atomic writes, so concurrent duplicates cannot both get through — which a
 * query on a projection could not promise.
 */
@Component
public class ExecutionAdmission {

    static final String IDEMPOTENCY = "execution_idempotency";
    static final String ACTIVE = "user_active_executions";
    static final Duration KEY_LIFETIME = Duration.ofHours(24);

    private final MongoTemplate mongo;

    ExecutionAdmission(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** What an idempotency key is already bound to. */
    public record Claim(String executionId, boolean accepted) {
    }

    /** Binds the key to {@code executionId}; empty when this call won, otherwise the existing claim. */
    public Optional<Claim> claimKey(String userId, String key, String executionId) {
        String id = keyId(userId, key);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                mongo.getCollection(IDEMPOTENCY).insertOne(new Document("_id", id)
                        .append("executionId", executionId)
                        .append("createdAt", new Date())
                        .append("accepted", false));
                return Optional.empty();
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            Document existing = mongo.getCollection(IDEMPOTENCY).find(Filters.eq("_id", id)).first();
            if (existing == null) {
                continue;
            }
            Date created = existing.getDate("createdAt");
            if (created != null && created.toInstant().plus(KEY_LIFETIME).isBefore(Instant.now())) {
                mongo.getCollection(IDEMPOTENCY).deleteOne(Filters.and(Filters.eq("_id", id),
                        Filters.eq("createdAt", created)));
                continue;
            }
            return Optional.of(new Claim(existing.getString("executionId"), existing.getBoolean("accepted", false)));
        }
        throw new IllegalStateException("Idempotency key could not be claimed");
    }

    public Optional<Claim> claimOf(String userId, String key) {
        Document existing = mongo.getCollection(IDEMPOTENCY).find(Filters.eq("_id", keyId(userId, key))).first();
        return Optional.ofNullable(existing)
                .map(d -> new Claim(d.getString("executionId"), d.getBoolean("accepted", false)));
    }

    public void markAccepted(String userId, String key) {
        mongo.getCollection(IDEMPOTENCY).updateOne(Filters.eq("_id", keyId(userId, key)), Updates.set("accepted", true));
    }

    public void releaseKey(String userId, String key) {
        mongo.getCollection(IDEMPOTENCY).deleteOne(Filters.eq("_id", keyId(userId, key)));
    }

    /**
     * Adds the execution to the user's active set unless it already holds {@code max}. The condition and
     * the add are one atomic update; a full set makes the upsert collide with the existing document.
     */
    public boolean reserveActive(String userId, String executionId, int max) {
        try {
            var result = mongo.getCollection(ACTIVE).updateOne(
                    Filters.and(Filters.eq("_id", userId), Filters.exists("active." + (max - 1), false)),
                    Updates.addToSet("active", executionId),
                    new UpdateOptions().upsert(true));
            return result.getMatchedCount() > 0 || result.getUpsertedId() != null;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    java.util.List<String> activeOf(String userId) {
        Document doc = mongo.getCollection(ACTIVE).find(Filters.eq("_id", userId)).first();
        return doc == null ? java.util.List.of() : doc.getList("active", String.class, java.util.List.of());
    }

    public void releaseActive(String userId, String executionId) {
        mongo.getCollection(ACTIVE).updateOne(Filters.eq("_id", userId), Updates.pull("active", executionId));
    }

    /** Ends an execution's hold on whichever user's set contains it. */
    void releaseActive(String executionId) {
        mongo.getCollection(ACTIVE).updateMany(Filters.eq("active", executionId), Updates.pull("active", executionId));
    }

    private static String keyId(String userId, String key) {
        return userId + "\u0000" + key;
    }
}
