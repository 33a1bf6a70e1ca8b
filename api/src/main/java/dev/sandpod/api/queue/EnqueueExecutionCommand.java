package dev.sandpod.api.queue;

import dev.sandpod.api.execution.Priority;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Put an execution in the dispatch queue; {@code maxConcurrent} is the slot count in force now. */
public record EnqueueExecutionCommand(
        @TargetAggregateIdentifier String queueId, String executionId, Priority priority, int maxConcurrent) {}
