package dev.sandpod.api.queue;

import java.util.Map;

/** {@code byPriority}: waiting executions per priority wire name. */
public record QueueStatusView(long queueDepth, long activeCount, Map<String, Long> byPriority) {}
