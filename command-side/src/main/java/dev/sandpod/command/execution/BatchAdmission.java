package dev.sandpod.command.execution;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.ExecutionInputs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.messaging.MetaData;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Admits a batch of submissions whole or not at all: every one is checked first (runtime, inputs), then each gets
 * its execution id, in order. The per-user cap on active executions still bounds how many of the user's runs are
 * queued or running at once: submissions beyond it wait in the user's backlog ({@code execution_backlog}, in the
 * shared store), and each finished run of the user sends the next one ({@link ActiveExecutionTracker}). A waiting
 * submission is already validated; it is sent exactly as admitted, with the metadata of the request that brought
 * it (who, from where, which token).
 *
 * <p>Blocking (Mongo and the command bus): call it off the event loop.
 */
@Component
public class BatchAdmission implements DisposableBean {

    public static final int MAX_BATCH = 20;
    static final String BACKLOG = "execution_backlog";

    private static final Logger log = LoggerFactory.getLogger(BatchAdmission.class);
    private static final AtomicLong ORDER = new AtomicLong();

    private final ExecutionAdmission admission;
    private final MongoTemplate mongo;
    /** Sends backlogged runs after the event that freed a place is through, not inside its handling. */
    private final ExecutorService drains = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "execution-backlog");
        thread.setDaemon(true);
        return thread;
    });

    BatchAdmission(ExecutionAdmission admission, MongoTemplate mongo) {
        this.admission = admission;
        this.mongo = mongo;
    }

    /** @return the execution ids, in the order of {@code requests} */
    public List<String> admit(List<ExecutionAdmission.Request> requests, MetaData origin) {
        if (requests.isEmpty() || requests.size() > MAX_BATCH) {
            throw new SandpodException(ErrorCode.VALIDATION, "A batch holds 1 to " + MAX_BATCH + " submissions");
        }
        requests.forEach(admission::check);
        List<String> ids = new ArrayList<>();
        String userId = requests.get(0).userId();
        boolean backlogged = hasBacklog(userId);
        for (ExecutionAdmission.Request request : requests) {
            String executionId = UUID.randomUUID().toString();
            ids.add(executionId);
            if (!backlogged && admission.reserveActive(userId, executionId, admission.maxActivePerUser())) {
                admission.sendReserved(executionId, request, origin);
            } else {
                // once one waits, the rest of the batch waits behind it: the batch runs in order
                backlogged = true;
                mongo.getCollection(BACKLOG).insertOne(document(executionId, request, origin));
            }
        }
        return ids;
    }

    /** Which of these ids of the user still wait in the backlog (they are not executions yet). */
    public Set<String> waiting(String userId, Collection<String> executionIds) {
        Set<String> found = new java.util.HashSet<>();
        mongo.getCollection(BACKLOG)
                .find(Filters.and(Filters.eq("userId", userId), Filters.in("_id", executionIds)))
                .forEach(doc -> found.add(doc.getString("_id")));
        return found;
    }

    /** A place of the user's was freed: send waiting submissions while places are free. */
    void placeFreed(String userId) {
        if (userId != null) {
            drains.execute(() -> drain(userId));
        }
    }

    void drain(String userId) {
        try {
            while (true) {
                Document next = mongo.getCollection(BACKLOG)
                        .find(Filters.eq("userId", userId))
                        .sort(Sorts.ascending("order"))
                        .first();
                if (next == null) {
                    return;
                }
                String executionId = next.getString("_id");
                if (!admission.reserveActive(userId, executionId, admission.maxActivePerUser())) {
                    return;
                }
                // whoever deletes it sends it: another instance draining the same user cannot send it twice
                if (mongo.getCollection(BACKLOG).findOneAndDelete(Filters.eq("_id", executionId)) == null) {
                    admission.releaseActive(userId, executionId);
                    continue;
                }
                try {
                    admission.sendReserved(executionId, request(next), origin(next));
                } catch (RuntimeException e) {
                    mongo.getCollection(BACKLOG).insertOne(next);
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            log.warn("sending a waiting batch submission failed; the next finished run tries again", e);
        }
    }

    private boolean hasBacklog(String userId) {
        return mongo.getCollection(BACKLOG).find(Filters.eq("userId", userId)).first() != null;
    }

    private static Document document(String executionId, ExecutionAdmission.Request request, MetaData origin) {
        ExecutionInputs inputs = request.inputs();
        List<Document> files = inputs.files().stream()
                .map(f -> new Document("name", f.name()).append("content", f.content()))
                .toList();
        Document meta = new Document();
        origin.forEach((key, value) -> meta.append(key, String.valueOf(value)));
        return new Document("_id", executionId)
                .append("userId", request.userId())
                .append("order", System.currentTimeMillis() * 1000 + ORDER.incrementAndGet() % 1000)
                .append("createdAt", new Date())
                .append("script", request.script())
                .append("lang", request.lang())
                .append("langVersion", request.langVersion())
                .append("stdin", inputs.stdin())
                .append("args", inputs.args())
                .append("files", files)
                .append("expectedOutput", inputs.expectedOutput())
                .append("origin", meta);
    }

    private static ExecutionAdmission.Request request(Document doc) {
        List<ExecutionInputs.InputFile> files = doc.getList("files", Document.class, List.of()).stream()
                .map(f -> new ExecutionInputs.InputFile(f.getString("name"), f.getString("content")))
                .toList();
        return new ExecutionAdmission.Request(
                doc.getString("userId"),
                doc.getString("script"),
                doc.getString("lang"),
                doc.getString("langVersion"),
                null,
                new ExecutionInputs(
                        doc.getString("stdin"),
                        doc.getList("args", String.class, List.of()),
                        files,
                        doc.getString("expectedOutput")));
    }

    private static MetaData origin(Document doc) {
        Map<String, Object> values = new HashMap<>();
        Document meta = doc.get("origin", Document.class);
        if (meta != null) {
            meta.forEach(values::put);
        }
        return MetaData.from(values);
    }

    @Override
    public void destroy() {
        drains.shutdownNow();
    }
}
