package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** Cancelled by its owner or an admin; the saga stops the run and frees its slot. */
@Revision("1")
public record ExecutionCancelledEvent(
        String executionId, String cancelledBy, String reason, ExecutionOutcome outcome) {}
