package dev.sandpod.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The saga's backstop: no runner reported an end in time. Ends a running execution as failed (runner lost)
 * and one that never started as error; ignored when the execution is already terminal.
 */
public record ExpireExecutionCommand(
        @TargetAggregateIdentifier String executionId, String reason) {}
