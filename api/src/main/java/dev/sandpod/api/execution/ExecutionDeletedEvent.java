package dev.sandpod.api.execution;

import org.axonframework.serialization.Revision;

/** Tombstone: the execution is gone from every view; the events before this one remain for auditors. */
@Revision("1")
public record ExecutionDeletedEvent(String executionId, String deletedBy) {}
