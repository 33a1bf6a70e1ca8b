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
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The per-hour counters the statistics read: counted once per event, uncounted once when hidden. */
@ExtendWith(InMemoryMongo.class)
class EventIndexCountersTest {

    private static final Instant T0 = Instant.parse("2026-06-01T12:10:00Z");
    private static final String HOUR = "2026-06-01T12:00:00Z";

    private MongoTemplate mongo;
    private EventIndexProjection projection;

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        this.mongo = mongo;
        projection = new EventIndexProjection(mongo);
        projection.reset();
    }

    private GenericDomainEventMessage<Object> event(
            String aggregate, long seq, Object payload, String user, Instant at) {
        return new GenericDomainEventMessage<>(
                "Execution",
                aggregate,
                seq,
                payload,
                MetaData.with("userId", user),
                UUID.randomUUID().toString(),
                at);
    }

    private void handle(org.axonframework.eventhandling.EventMessage<?> message) {
        projection.on(message.getPayload(), message);
    }

    private Map<String, Document> counters(String kind) {
        return mongo.findAll(Document.class, EventIndexCounters.COLLECTION).stream()
                .filter(d -> kind.equals(d.getString("kind")))
                .collect(Collectors.toMap(d -> d.getString("key") + "@" + d.getString("hour"), d -> d));
    }

    @Test
    void eachEventCountsOnceByHourTypeAndUserEvenWhenRedeliveredAndAHideUncountsItOnce() {
        String run = "run-1";
        var queued = event(run, 0, new ExecutionQueuedEvent(run, "alice", Priority.NORMAL), "alice", T0);
        var completed = event(
                run,
                1,
                new ExecutionCompletedEvent(
                        run,
                        new ExecutionOutcome(
                                "ok\n", "", false, false, 0, null, null, new ResourceUsage(0.25, 1, 100, 10))),
                "alice",
                T0.plusSeconds(1));
        var other =
                event("run-2", 0, new ExecutionQueuedEvent("run-2", "bob", Priority.NORMAL), "bob", T0.plusSeconds(2));
        handle(queued);
        handle(completed);
        handle(other);
        handle(queued); // redelivered: indexed again, not counted again

        Map<String, Document> types = counters(EventIndexCounters.TYPE);
        assertThat(types.get("execution_queued@" + HOUR)
                        .get("count", Number.class)
                        .longValue())
                .isEqualTo(2);
        Document done = types.get("execution_completed@" + HOUR);
        assertThat(done.get("count", Number.class).longValue()).isEqualTo(1);
        assertThat(done.get("processingCount", Number.class).longValue()).isEqualTo(1);
        assertThat(done.get("processingSum", Number.class).doubleValue()).isEqualTo(0.25);
        Map<String, Document> users = counters(EventIndexCounters.USER);
        assertThat(users.get("alice@" + HOUR).get("count", Number.class).longValue())
                .isEqualTo(2);
        assertThat(users.get("bob@" + HOUR).get("count", Number.class).longValue())
                .isEqualTo(1);

        var hide = GenericEventMessage.asEventMessage(
                        new EventHiddenEvent("hide-" + queued.getIdentifier(), queued.getIdentifier(), "admin", "test"))
                .andMetaData(Map.of("userId", "admin"));
        handle(hide);
        handle(hide); // redelivered: already hidden, not uncounted again

        types = counters(EventIndexCounters.TYPE);
        assertThat(types.get("execution_queued@" + HOUR)
                        .get("count", Number.class)
                        .longValue())
                .isEqualTo(1);
        users = counters(EventIndexCounters.USER);
        assertThat(users.get("alice@" + HOUR).get("count", Number.class).longValue())
                .isEqualTo(1);
    }
}
