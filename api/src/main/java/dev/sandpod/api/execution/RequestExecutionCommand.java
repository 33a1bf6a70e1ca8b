package dev.sandpod.api.execution;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A user asks to run a script. The runtime has been checked against the registry by the web edge. */
public record RequestExecutionCommand(
        @TargetAggregateIdentifier String executionId,
        String userId,
        String script,
        String lang,
        String langVersion,
        Priority priority) {}
