package dev.sandpod.executor.sandbox;

/**
 * The local runner's sandbox pool so far.
 *
 * @param claims runs that asked the pool for a pre-started sandbox
 * @param hits   those that got one (the others started their sandbox cold)
 * @param ready  pre-started sandboxes waiting now
 */
public record PoolStatistics(long claims, long hits, int ready) {}
