package dev.sandpod.sagas.execution;

import dev.sandpod.api.execution.ExecutionLimits;

/** The limits and queue size in force now: configuration combined with the current system settings. */
public interface ExecutionSettings {

    ExecutionLimits limits();

    int maxConcurrentExecutions();

    int backstopGraceSeconds();
}
