package dev.sandpod.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A runner reported that the program started. Ignored when the execution is already running or over. */
public record MarkExecutionStartedCommand(
        @TargetAggregateIdentifier String executionId, String runner) {}
