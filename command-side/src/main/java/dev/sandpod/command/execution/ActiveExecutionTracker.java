package dev.sandpod.command.execution;

import dev.sandpod.api.execution.ResultStoredEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/**
 * Frees a user's active-execution place when the execution ends, however it ends. The processing group
 * is subscribing (configured in the application), so the place is free by the time the result is
 * stored: a client that waits for its result and submits again is never told it has too many running.
 * Should a release ever be missed (a crash between storing the event and this handler), the next
 * submission that finds the user's set full re-checks it against the event store
 * ({@link ExecutionAdmission#releaseFinished}).
 */
@Component
@ProcessingGroup(ActiveExecutionTracker.PROCESSING_GROUP)
class ActiveExecutionTracker {

    static final String PROCESSING_GROUP = "execution-admission";

    private final ExecutionAdmission admission;
    private final BatchAdmission batches;

    ActiveExecutionTracker(ExecutionAdmission admission, BatchAdmission batches) {
        this.admission = admission;
        this.batches = batches;
    }

    /** Frees the place, and lets the user's next waiting batch submission (if any) take it. */
    @EventHandler
    void on(ResultStoredEvent event) {
        batches.placeFreed(admission.releaseActive(event.executionId()));
    }
}
