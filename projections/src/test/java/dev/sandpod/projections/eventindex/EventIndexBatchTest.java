package dev.sandpod.projections.eventindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.audit.EventHiddenEvent;
import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.projections.support.InMemoryMongo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * In a processor's batch the index is written once, at the batch's last event, and holds exactly what the events
 * one at a time would have written: the same entries, owners and counters, also after a redelivery or a restart.
 */
@ExtendWith(InMemoryMongo.class)
class EventIndexBatchTest {

    private static final Instant T0 = Instant.parse("2026-06-01T12:10:00Z");

    private MongoTemplate mongo;
    private final List<EventMessage<?>> events = new ArrayList<>();

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        this.mongo = mongo;
        for (String run : List.of("run-1", "run-2")) {
            String user = run.equals("run-1") ? "alice" : "bob";
            events.add(event("Execution", run, 0, new ExecutionQueuedEvent(run, user, Priority.NORMAL), user));
            events.add(event("Execution", run, 1, completed(run), user));
        }
        // an aggregate of no user (its first event names none): its events have no owner
        events.add(event("DispatchQueue", "queue", 0, completed("run-1"), null));
        events.add(event("DispatchQueue", "queue", 1, completed("run-2"), null));
    }

    private static ExecutionCompletedEvent completed(String run) {
        return new ExecutionCompletedEvent(
                run,
                new ExecutionOutcome("ok\n", "", false, false, 0, null, null, new ResourceUsage(0.25, 1, 100, 10)));
    }

    private GenericDomainEventMessage<Object> event(
            String type, String aggregate, long seq, Object payload, String user) {
        return new GenericDomainEventMessage<>(
                type,
                aggregate,
                seq,
                payload,
                user == null ? MetaData.emptyInstance() : MetaData.with("userId", user),
                UUID.randomUUID().toString(),
                T0.plusSeconds(events.size()));
    }

    private static void oneByOne(EventIndexProjection projection, List<EventMessage<?>> messages) {
        messages.forEach(m -> projection.on(m.getPayload(), m));
    }

    /** The batch handled by the projection; how many entries the index held as each event was handled. */
    private List<Long> asBatch(EventIndexProjection projection, List<EventMessage<?>> batch) throws Exception {
        List<Long> stored = new ArrayList<>();
        new BatchingUnitOfWork<>(batch).executeWithResult(() -> {
            EventMessage<?> m = (EventMessage<?>) CurrentUnitOfWork.get().getMessage();
            projection.on(m.getPayload(), m);
            stored.add(mongo.getCollection(EventIndexDocument.COLLECTION).countDocuments());
            return null;
        });
        return stored;
    }

    private Map<String, Map<Object, Document>> index() {
        Map<String, Map<Object, Document>> all = new TreeMap<>();
        for (String collection :
                List.of(EventIndexDocument.COLLECTION, EventIndexProjection.OWNERS, EventIndexCounters.COLLECTION)) {
            Map<Object, Document> byId = new TreeMap<>();
            mongo.getCollection(collection).find().forEach(d -> byId.put(d.get("_id"), d));
            all.put(collection, byId);
        }
        return all;
    }

    @Test
    void aBatchWritesAtItsLastEventWhatTheEventsOneByOneWriteAndARedeliveryChangesNothing() throws Exception {
        EventIndexProjection projection = new EventIndexProjection(mongo);
        projection.reset();
        oneByOne(projection, events);
        Map<String, Map<Object, Document>> oneByOne = index();
        assertThat(oneByOne.get(EventIndexDocument.COLLECTION)).hasSize(6);
        assertThat(oneByOne.get(EventIndexDocument.COLLECTION).values())
                .extracting(d -> d.getString("aggregateId") + "@" + d.get("sequence") + ":" + d.getString("ownerId"))
                .containsExactlyInAnyOrder(
                        "run-1@0:alice", "run-1@1:alice", "run-2@0:bob", "run-2@1:bob", "queue@0:null", "queue@1:null");

        projection.reset();
        // the same events in one batch, the third one twice (a redelivery inside the batch)
        List<EventMessage<?>> batch = new ArrayList<>(events);
        batch.add(3, events.get(2));
        assertThat(asBatch(projection, batch))
                .hasSize(7)
                .startsWith(0L, 0L, 0L, 0L, 0L, 0L)
                .endsWith(6L);
        assertThat(index()).isEqualTo(oneByOne);

        // redelivered, event by event and as a batch, by a restarted instance (nothing cached): nothing changes
        oneByOne(new EventIndexProjection(mongo), events);
        asBatch(new EventIndexProjection(mongo), events);
        assertThat(index()).isEqualTo(oneByOne);
    }

    @Test
    void anEventThatNamesNoUserTakesTheOwnerTheAggregatesFirstEventRecordedAlsoAfterARestart() throws Exception {
        EventIndexProjection before = new EventIndexProjection(mongo);
        before.reset();
        asBatch(before, List.of(events.get(0), events.get(2), events.get(4)));

        // a restarted instance reads the owners of the next batch's aggregates from the store
        asBatch(new EventIndexProjection(mongo), List.of(events.get(1), events.get(3), events.get(5)));

        assertThat(mongo.getCollection(EventIndexDocument.COLLECTION).find())
                .extracting(d -> d.getString("aggregateId") + "@" + d.get("sequence") + ":" + d.getString("ownerId"))
                .containsExactlyInAnyOrder(
                        "run-1@0:alice", "run-1@1:alice", "run-2@0:bob", "run-2@1:bob", "queue@0:null", "queue@1:null");
    }

    @Test
    void aHideHandledBeforeItsEntryAsARebuildsOtherSegmentMayEndsLikeTheHideAfterIt() throws Exception {
        String target = events.get(1).getIdentifier();
        EventMessage<?> hide =
                event("EventHide", "hide-1", 0, new EventHiddenEvent("hide-1", target, "root", "spam"), null);
        EventIndexProjection projection = new EventIndexProjection(mongo);
        projection.reset();
        oneByOne(projection, events);
        oneByOne(projection, List.of(hide));
        Map<String, Map<Object, Document>> live = index();
        assertThat(live.get(EventIndexDocument.COLLECTION).get(target).getBoolean("hidden"))
                .isTrue();

        // the hide first (its segment ran ahead), then the events in one batch and one by one: the same index
        projection.reset();
        oneByOne(projection, List.of(hide));
        asBatch(projection, events);
        assertThat(index()).isEqualTo(live);
        projection.reset();
        oneByOne(projection, List.of(hide));
        oneByOne(projection, events);
        assertThat(index()).isEqualTo(live);

        // and redelivered afterwards, nothing changes
        oneByOne(new EventIndexProjection(mongo), List.of(hide));
        asBatch(new EventIndexProjection(mongo), events);
        assertThat(index()).isEqualTo(live);
    }

    @Test
    void anEntryIsStoredAsTheTemplateWouldStoreItsDocumentWithTheEventAsTheApiShowsIt() {
        for (EventMessage<?> message : events) {
            EventIndexDocument entry = EventIndexProjection.document(message, "alice");
            assertThat(entry.eventJson).isEqualTo(AuditedEvent.json(AuditedEvent.stored(message)));
            assertThat(AuditedEvent.json(AuditedEvent.parse(entry.eventJson)))
                    .isEqualTo(AuditedEvent.json(AuditedEvent.render(message)));
            assertThat(entry.searchText)
                    .isEqualTo(AuditedEvent.json(AuditedEvent.payload(message.getPayload()))
                            .toLowerCase());
            Document converted = new Document();
            mongo.getConverter().write(entry, converted);
            converted.remove("_class");

            assertThat(EventIndexWrites.stored(entry)).isEqualTo(converted);
        }
    }
}
