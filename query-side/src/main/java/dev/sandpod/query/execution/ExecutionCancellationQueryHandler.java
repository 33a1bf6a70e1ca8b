package dev.sandpod.query.execution;

import dev.sandpod.api.execution.ExecutionCancellationView;
import dev.sandpod.api.execution.ExecutionCancelledEvent;
import dev.sandpod.api.execution.FindExecutionCancellationQuery;
import java.util.Optional;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/**
 * An execution's cancel, read from the event store rather than a projection: the cancel answer names its
 * event right after the command, before any projection has seen it. An execution's stream is a handful of
 * events, so reading it whole is cheap.
 */
@Component
class ExecutionCancellationQueryHandler {

    private final EventStore events;

    ExecutionCancellationQueryHandler(EventStore events) {
        this.events = events;
    }

    @QueryHandler
    Optional<ExecutionCancellationView> handle(FindExecutionCancellationQuery query) {
        DomainEventMessage<?> cancel = null;
        var stream = events.readEvents(query.executionId());
        while (stream.hasNext()) {
            DomainEventMessage<?> event = stream.next();
            if (event.getPayload() instanceof ExecutionCancelledEvent) {
                cancel = event;
            }
        }
        if (cancel == null) {
            return Optional.empty();
        }
        ExecutionCancelledEvent cancelled = (ExecutionCancelledEvent) cancel.getPayload();
        return Optional.of(new ExecutionCancellationView(
                cancelled.executionId(),
                cancel.getIdentifier(),
                cancelled.cancelledBy(),
                cancelled.reason(),
                cancel.getTimestamp()));
    }
}
