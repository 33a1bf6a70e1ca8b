package dev.sandpod.api.queue;

import dev.sandpod.api.execution.Priority;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Put an execution in the dispatch queue; {@code queuedAt} is when the execution was queued (its
 * {@code ExecutionQueuedEvent}), {@code maxConcurrent} the slot count in force now.
 */
public record EnqueueExecutionCommand(
        @TargetAggregateIdentifier String queueId,
        String executionId,
        Priority priority,
        Instant queuedAt,
        int maxConcurrent) {}
