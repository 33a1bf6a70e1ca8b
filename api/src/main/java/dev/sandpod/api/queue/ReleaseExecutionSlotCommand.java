package dev.sandpod.api.queue;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The execution ended (any way): free its slot or drop it from the waiting line, then grant the next. */
public record ReleaseExecutionSlotCommand(
        @TargetAggregateIdentifier String queueId, String executionId, int maxConcurrent) {}
