package dev.sandpod.executor.kubernetes;

import java.util.List;
import java.util.Map;

/**
 * A configured runtime as the Kubernetes runner runs it: the registry's image with {@code {version}} substituted
 * and its command, run in the workspace.
 */
record PodRuntime(
        String lang, String version, String image, List<String> command, String fileName, Map<String, String> env) {

    PodRuntime {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }
}
