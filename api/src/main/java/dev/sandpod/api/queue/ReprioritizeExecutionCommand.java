package dev.sandpod.api.queue;

import dev.sandpod.api.execution.Priority;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record ReprioritizeExecutionCommand(
        @TargetAggregateIdentifier String queueId, String executionId, Priority priority) {}
