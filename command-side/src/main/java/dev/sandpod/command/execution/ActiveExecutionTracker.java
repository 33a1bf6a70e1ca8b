package dev.sandpod.command.execution;

import dev.sandpod.api.execution.ResultStoredEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/** Frees a user's active-execution place when the execution ends, however it ends. Idempotent. */
@Component
@ProcessingGroup("execution-admission")
class ActiveExecutionTracker {

    private final ExecutionAdmission admission;

    ActiveExecutionTracker(ExecutionAdmission admission) {
        this.admission = admission;
    }

    @EventHandler
    void on(ResultStoredEvent event) {
        admission.releaseActive(event.executionId());
    }
}
