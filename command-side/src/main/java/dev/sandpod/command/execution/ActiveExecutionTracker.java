package dev.sandpod.command.execution;

import dev.sandpod.api.execution.ExecutionDeletedEvent;
import dev.sandpod.api.execution.ResultStoredEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

/**
 * Frees a user's active-execution place when the execution ends, however it ends. The processing group
 * is subscribing (configured in the application), so the place is free by the time the result is
 * stored: a client that waits for its result and submits again is never told it has too many running.
 * Should a release ever be missed (a crash between storing the event and this handler), the next
 * submission that finds the user's set full re-checks it against the event store.
 */
@Component
@ProcessingGroup(ActiveExecutionTracker.PROCESSING_GROUP)
public class ActiveExecutionTracker {

    static final String PROCESSING_GROUP = "execution-admission";

    private final ExecutionAdmission admission;
    private final EventStore events;

    ActiveExecutionTracker(ExecutionAdmission admission, EventStore events) {
        this.admission = admission;
        this.events = events;
    }

    @EventHandler
    void on(ResultStoredEvent event) {
        admission.releaseActive(event.executionId());
    }

    /** @return how many of the user's active entries turned out to be finished and were released */
    public int releaseFinished(String userId) {
        int released = 0;
        for (String executionId : admission.activeOf(userId)) {
            boolean finished = events.lastSequenceNumberFor(executionId)
                    .map(last -> events.readEvents(executionId, Math.max(0, last - 2)).asStream()
                            .anyMatch(e -> e.getPayload() instanceof ResultStoredEvent
                                    || e.getPayload() instanceof ExecutionDeletedEvent))
                    .orElse(true);
            if (finished) {
                admission.releaseActive(userId, executionId);
                released++;
            }
        }
        return released;
    }
}
