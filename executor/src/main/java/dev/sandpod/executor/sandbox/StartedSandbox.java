package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.sandbox.cgroup.RunCgroup;
import java.nio.file.Path;

/**
 * A launched chain, blocked in bwrap's read of the script until the supervisor writes it (at once for a cold
 * run, at claim for a pooled one). Belongs to exactly one run, or to nobody once discarded.
 */
record StartedSandbox(String name, Process process, RunCgroup group, Integer uid, Path status, long startedNanos) {}
