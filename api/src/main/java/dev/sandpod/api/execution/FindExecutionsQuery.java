package dev.sandpod.api.execution;

/** Admin: any user's executions, newest first. Null filters match everything. */
public record FindExecutionsQuery(ExecutionStatus status, Priority priority, String userId, int limit, int skip) {}
