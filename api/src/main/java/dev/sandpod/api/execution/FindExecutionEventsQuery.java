package dev.sandpod.api.execution;

/** The stored lifecycle frames of one execution, in order. */
public record FindExecutionEventsQuery(String executionId) {}
