package dev.sandpod.query.operations;

import com.mongodb.client.model.Filters;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * What a user owns, by id, from the read models: the executions, saved scripts and notifications an admin's
 * cascading delete removes one by one (through their own commands), and how many of the user's execution
 * sagas are still running (deleting a running execution cancels it, which ends its saga). Blocking.
 */
@Component
public class UserData {

    private final MongoTemplate mongo;

    public UserData(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public record Owned(
            List<String> executions, List<String> savedScripts, List<String> notifications, long runningSagas) {}

    public Owned of(String userId) {
        List<String> executions = ids("executions", userId);
        long running = executions.isEmpty()
                ? 0
                : mongo.getCollection(SagaStatuses.JOURNAL)
                        .countDocuments(Filters.and(
                                Filters.eq("sagaType", SagaStatuses.EXECUTION_SAGA_TYPE),
                                Filters.exists("endedAt", false),
                                Filters.elemMatch(
                                        "associations",
                                        Filters.and(
                                                Filters.eq("key", "executionId"), Filters.in("value", executions)))));
        return new Owned(executions, ids("saved_scripts", userId), ids("notifications", userId), running);
    }

    private List<String> ids(String collection, String userId) {
        List<String> ids = new ArrayList<>();
        for (Document doc : mongo.getCollection(collection)
                .find(Filters.eq("userId", userId))
                .projection(new Document("_id", 1))) {
            ids.add(String.valueOf(doc.get("_id")));
        }
        return ids;
    }
}
