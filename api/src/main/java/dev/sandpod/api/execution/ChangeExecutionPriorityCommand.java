package dev.sandpod.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Admin: move a waiting execution to another priority. */
public record ChangeExecutionPriorityCommand(
        @TargetAggregateIdentifier String executionId, Priority priority, String changedBy) {}
