package dev.sandpod.api.execution;

import java.time.Instant;

/** One page of a user's executions, newest first. Null filters match everything. */
public record FindUserExecutionsQuery(
        String userId, ExecutionStatus status, String lang, Instant startTime, Instant endTime, int limit, int skip) {}
