package dev.sandpod.api.queue;

public record FindQueueStatusQuery() {}
