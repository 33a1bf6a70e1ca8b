package dev.sandpod.api.execution;

/** Answers an {@link ExecutionResultView}, or null when there is no such (visible) execution. */
public record FindExecutionResultQuery(String executionId) {}
