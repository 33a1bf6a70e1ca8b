package dev.sandpod.executor.sandbox;

import dev.sandpod.executor.runtime.ResolvedRuntime;
import java.util.List;
import java.util.Map;

/**
 * What to run in one sandbox: the script written as {@code fileName} into the workspace and {@code argv}
 * executed there.
 *
 * @param name a label for logs and host-side names (execution id); sanitized before it touches a path
 * @param env  variables on top of the allowlisted base environment
 */
public record RunSpec(
        String name, String fileName, String script, List<String> argv, Map<String, String> env, SandboxLimits limits) {

    public RunSpec {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        if (fileName == null || fileName.isEmpty() || fileName.contains("/") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("bad file name: " + fileName);
        }
    }

    public static RunSpec of(String name, ResolvedRuntime runtime, String script, SandboxLimits limits) {
        return new RunSpec(name, runtime.fileName(), script, runtime.argv(), runtime.env(), limits);
    }
}
