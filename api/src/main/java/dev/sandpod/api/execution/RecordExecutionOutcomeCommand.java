package dev.sandpod.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A runner reported how the run ended. {@code status} is one of the terminal statuses; a report for an
 * execution that is already terminal is ignored (late and duplicate reports are normal).
 */
public record RecordExecutionOutcomeCommand(
        @TargetAggregateIdentifier String executionId, ExecutionStatus status, ExecutionOutcome outcome) {}
