package dev.sandpod.executor.runtime;

import java.util.List;
import java.util.Map;

/**
 * A configured runtime mapped to a host interpreter that the local runner verified inside a sandbox.
 *
 * @param interpreter absolute host path, visible at the same path inside the sandbox
 * @param argv        the command run in the workspace, placeholders substituted
 */
public record ResolvedRuntime(
        String lang,
        String version,
        String interpreter,
        String reportedVersion,
        String fileName,
        List<String> argv,
        Map<String, String> env) {

    public ResolvedRuntime {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }
}
