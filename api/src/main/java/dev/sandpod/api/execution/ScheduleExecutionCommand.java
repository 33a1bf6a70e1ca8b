package dev.sandpod.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A slot was granted: hand the run to a runner with these limits. */
public record ScheduleExecutionCommand(
        @TargetAggregateIdentifier String executionId, ExecutionLimits limits) {}
