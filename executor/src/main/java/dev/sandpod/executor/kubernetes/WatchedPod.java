package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.sandbox.RunResult;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A run pod this executor watches, from creation or adoption until it is reported and deleted, or handed over.
 * Evaluations of one pod are serialized on the instance; lease patches of one pod on {@link #leaseLock}.
 */
final class WatchedPod {

    /** Where the pod is in this executor's hands. */
    enum State {
        WATCHING,
        CONCLUDED,
        CLEANING,
        HANDED_OVER
    }

    final String executionId;
    final String podName;
    final boolean adopted;
    final Instant since = Instant.now();
    /** Completes with the run's result, or with {@link PodMonitor#HANDED_OVER} when watching stopped. */
    final CompletableFuture<RunResult> result = new CompletableFuture<>();

    final AtomicBoolean queued = new AtomicBoolean();
    final Object leaseLock = new Object();
    volatile State state = State.WATCHING;
    volatile boolean created;
    volatile boolean seen;
    volatile boolean deleted;
    volatile boolean cancelRequested;
    volatile Pod last;
    volatile Instant pullTroubleSince;
    volatile Instant terminalSince;
    volatile Instant cleaningSince;
    volatile Instant cancelSince;
    volatile boolean notSeenChecked;

    WatchedPod(String executionId, String podName, boolean adopted) {
        this.executionId = executionId;
        this.podName = podName;
        this.adopted = adopted;
    }
}
