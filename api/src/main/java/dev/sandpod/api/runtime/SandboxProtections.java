package dev.sandpod.api.runtime;

import java.util.Map;

/**
 * Which protections against hostile scripts are active where this instance runs its runs (see
 * docs/hostile-second-set.md): user namespaces, cgroups, seccomp, bubblewrap's features and the uid mode for the
 * local runner; the pod's seccomp profile, user namespace and runtime class for the Kubernetes runner. Implemented
 * by the executor; absent on an instance that runs nothing.
 */
public interface SandboxProtections {

    /** {@code local} or {@code kubernetes}. */
    String runner();

    /** Whether runs can start at all here. */
    boolean available();

    /** Protection name → what is in force (a short text, a flag or a list), in a stable order. */
    Map<String, Object> protections();
}
