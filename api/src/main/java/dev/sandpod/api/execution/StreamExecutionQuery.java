package dev.sandpod.api.execution;

/**
 * Subscription query behind the SSE stream: the initial result is the list of lifecycle frames stored so
 * far ({@code ExecutionFrameView}s, in order), updates are frames as they happen.
 */
public record StreamExecutionQuery(String executionId) {}
