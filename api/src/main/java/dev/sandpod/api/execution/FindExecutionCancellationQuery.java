package dev.sandpod.api.execution;

/**
 * How an execution was cancelled, if it was: answered from the event store, so it holds as soon as a
 * {@link CancelExecutionCommand} has returned. Response type {@code Optional<ExecutionCancellationView>}.
 */
public record FindExecutionCancellationQuery(String executionId) {}
