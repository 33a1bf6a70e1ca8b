package dev.sandpod.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Admin: remove the execution from results and lists. Its history stays in the event store. */
public record DeleteExecutionCommand(
        @TargetAggregateIdentifier String executionId, String deletedBy) {}
