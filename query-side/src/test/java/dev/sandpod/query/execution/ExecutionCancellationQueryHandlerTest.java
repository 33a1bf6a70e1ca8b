package dev.sandpod.query.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.execution.ExecutionCancellationView;
import dev.sandpod.api.execution.ExecutionCancelledEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionRunningEvent;
import dev.sandpod.api.execution.FindExecutionCancellationQuery;
import dev.sandpod.api.execution.Priority;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.Test;

/** The cancel of an execution as the event store holds it: what a cancel answer names as its event. */
class ExecutionCancellationQueryHandlerTest {

    private static final String ID = "exec-1";

    private final EventStore events = EmbeddedEventStore.builder()
            .storageEngine(new InMemoryEventStorageEngine())
            .build();
    private final ExecutionCancellationQueryHandler handler = new ExecutionCancellationQueryHandler(events);
    private long sequence;

    private DomainEventMessage<?> store(Object payload) {
        var message = new GenericDomainEventMessage<>("Execution", ID, sequence++, payload);
        events.publish(message);
        return message;
    }

    @Test
    void aCancelledExecutionAnswersWithItsCancelEvent() {
        store(new ExecutionRequestedEvent(ID, "user-1", "print(1)", "python", "3.11", Priority.NORMAL));
        store(new ExecutionQueuedEvent(ID, "user-1", Priority.NORMAL));
        store(new ExecutionRunningEvent(ID));
        var cancelled =
                store(new ExecutionCancelledEvent(ID, "user-1", "enough", ExecutionOutcome.notRun(null, "enough")));

        var answer = handler.handle(new FindExecutionCancellationQuery(ID));

        assertThat(answer)
                .contains(new ExecutionCancellationView(
                        ID, cancelled.getIdentifier(), "user-1", "enough", cancelled.getTimestamp()));
    }

    @Test
    void anExecutionNeverCancelledAnswersNothing() {
        store(new ExecutionRequestedEvent(ID, "user-1", "print(1)", "python", "3.11", Priority.NORMAL));

        assertThat(handler.handle(new FindExecutionCancellationQuery(ID))).isEmpty();
    }

    @Test
    void anUnknownExecutionAnswersNothing() {
        assertThat(handler.handle(new FindExecutionCancellationQuery("nope"))).isEmpty();
    }
}
