package dev.sandpod.api.execution;

import java.time.Instant;

/** An execution's cancel: {@code eventId} is the identifier of its {@link ExecutionCancelledEvent}. */
public record ExecutionCancellationView(
        String executionId, String eventId, String cancelledBy, String reason, Instant cancelledAt) {}
