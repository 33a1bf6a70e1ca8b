package dev.sandpod.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record CancelExecutionCommand(
        @TargetAggregateIdentifier String executionId, String requestedBy, String reason) {}
