package dev.sandpod.api.execution;

import java.util.List;

public record ExecutionPageView(
        List<ExecutionResultView> executions, long total, int limit, int skip, boolean hasMore) {}
