package dev.sandpod.query.operations;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.ExecutionCancelledEvent;
import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionErroredEvent;
import dev.sandpod.api.execution.ExecutionFailedEvent;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionRunningEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.api.execution.ExecutionStartedEvent;
import dev.sandpod.api.execution.ExecutionTimedOutEvent;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.projections.execution.ExecutionDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * The execution sagas as admins and owners see them, built from the saga store's journal (id, start, end:
 * see the event store module's {@code JournalingSagaStore}) and the execution's own events, which tell the
 * steps the saga drove: {@code enqueue} (queued), {@code acquire_slot} (scheduled: the queue granted a
 * slot), {@code dispatch} (a runner started it), {@code run} (it ended: completed, failed, timed out,
 * cancelled or errored) and {@code release_slot} (the saga ended, which releases the slot).
 *
 * <p>State: {@code running} while the saga lives; once ended {@code cancelled}, {@code timeout},
 * {@code failed} (an execution error, not a script that exited non-zero) or {@code completed}. Blocking.
 */
@Component
public class SagaStatuses {

    public static final String EXECUTION_SAGA = "execution_saga";
    static final String EXECUTION_SAGA_TYPE = "dev.sandpod.sagas.execution.ExecutionSaga";
    static final String JOURNAL = "saga_journal";
    static final List<String> STEPS = List.of("enqueue", "acquire_slot", "dispatch", "run", "release_slot");
    public static final Set<String> STATES =
            Set.of("created", "running", "compensating", "completed", "failed", "timeout", "cancelled");

    private final MongoTemplate mongo;
    private final EventStore events;

    public SagaStatuses(MongoTemplate mongo, EventStore events) {
        this.mongo = mongo;
        this.events = events;
    }

    public record SagaView(
            String sagaId,
            String sagaName,
            String executionId,
            String state,
            String currentStep,
            List<String> completedSteps,
            List<String> compensatedSteps,
            String errorMessage,
            Instant createdAt,
            Instant updatedAt,
            Instant completedAt,
            int retryCount) {}

    public record Page(List<SagaView> sagas, long total) {}

    /**
     * Sagas, newest first; {@code executionIds} non-null restricts them to those executions (a user's own).
     */
    public Page list(String state, String executionId, Set<String> executionIds, int skip, int limit) {
        List<Bson> conditions = new ArrayList<>();
        conditions.add(Filters.eq("sagaType", EXECUTION_SAGA_TYPE));
        if (executionId != null) {
            conditions.add(Filters.elemMatch(
                    "associations", Filters.and(Filters.eq("key", "executionId"), Filters.eq("value", executionId))));
        }
        if ("running".equals(state)) {
            conditions.add(Filters.exists("endedAt", false));
        } else if (state != null) {
            conditions.add(Filters.exists("endedAt", true));
        }
        List<SagaView> matching = new ArrayList<>();
        for (Document entry :
                mongo.getCollection(JOURNAL).find(Filters.and(conditions)).sort(Sorts.descending("startedAt"))) {
            String execution = executionOf(entry);
            if (executionIds != null && !executionIds.contains(execution)) {
                continue;
            }
            SagaView view = view(entry);
            if (state == null || state.equals(view.state())) {
                matching.add(view);
            }
        }
        int from = Math.min(skip, matching.size());
        return new Page(matching.subList(from, Math.min(matching.size(), from + limit)), matching.size());
    }

    public SagaView get(String sagaId) {
        Document entry =
                mongo.getCollection(JOURNAL).find(Filters.eq("_id", sagaId)).first();
        if (entry == null || !EXECUTION_SAGA_TYPE.equals(entry.getString("sagaType"))) {
            throw new SandpodException(ErrorCode.NOT_FOUND, "Saga not found");
        }
        return view(entry);
    }

    /** The ids of a user's executions, to show a user only the sagas of their own runs. */
    public Set<String> executionsOf(String userId) {
        Set<String> ids = new java.util.HashSet<>();
        for (Document doc : mongo.getCollection(ExecutionDocument.COLLECTION)
                .find(Filters.eq("userId", userId))
                .projection(new Document("_id", 1))) {
            ids.add(doc.getString("_id"));
        }
        return ids;
    }

    private static String executionOf(Document entry) {
        List<Document> associations = entry.getList("associations", Document.class, List.of());
        return associations.stream()
                .filter(a -> "executionId".equals(a.getString("key")))
                .map(a -> a.getString("value"))
                .findFirst()
                .orElse(null);
    }

    private SagaView view(Document entry) {
        String executionId = executionOf(entry);
        Instant started = Instant.parse(entry.getString("startedAt"));
        Instant updated = entry.getString("updatedAt") == null ? started : Instant.parse(entry.getString("updatedAt"));
        Instant ended = entry.getString("endedAt") == null ? null : Instant.parse(entry.getString("endedAt"));
        boolean queued = false;
        boolean scheduled = false;
        boolean dispatched = false;
        boolean ran = false;
        String ending = null;
        String error = null;
        if (executionId != null) {
            for (DomainEventMessage<?> message :
                    events.readEvents(executionId).asStream().toList()) {
                Object event = message.getPayload();
                if (message.getTimestamp().isAfter(updated)) {
                    updated = message.getTimestamp();
                }
                if (event instanceof ExecutionQueuedEvent) {
                    queued = true;
                } else if (event instanceof ExecutionScheduledEvent) {
                    scheduled = true;
                } else if (event instanceof ExecutionStartedEvent || event instanceof ExecutionRunningEvent) {
                    dispatched = true;
                } else if (event instanceof ExecutionCompletedEvent || event instanceof ExecutionFailedEvent) {
                    ran = true;
                    ending = "completed";
                } else if (event instanceof ExecutionTimedOutEvent timedOut) {
                    ran = true;
                    ending = "timeout";
                    error = timedOut.outcome() == null
                            ? "timed out"
                            : timedOut.outcome().errorMessage();
                } else if (event instanceof ExecutionCancelledEvent cancelled) {
                    ran = true;
                    ending = "cancelled";
                    error = cancelled.reason();
                } else if (event instanceof ExecutionErroredEvent errored) {
                    ran = true;
                    ending = "failed";
                    error = errored.message();
                } else if (event instanceof ResultStoredEvent) {
                    ran = true;
                }
            }
        }
        List<String> completed = new ArrayList<>();
        boolean[] done = {queued, scheduled, dispatched, ran, ended != null};
        for (int i = 0; i < STEPS.size(); i++) {
            if (done[i]) {
                completed.add(STEPS.get(i));
            }
        }
        String current = null;
        if (ended == null) {
            for (int i = 0; i < STEPS.size(); i++) {
                if (!done[i]) {
                    current = STEPS.get(i);
                    break;
                }
            }
        }
        String state = ended == null ? "running" : ending == null ? "completed" : ending;
        if (ended != null && updated.isBefore(ended)) {
            updated = ended;
        }
        return new SagaView(
                entry.getString("_id"),
                EXECUTION_SAGA,
                executionId,
                state,
                current,
                completed,
                List.of(),
                "completed".equals(state) ? null : error,
                started,
                updated,
                ended,
                0);
    }
}
