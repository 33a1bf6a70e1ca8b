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

    /**
     * A run with stdin, arguments or extra files: the workspace gets {@link RunLauncher}'s script, which writes
     * the main script and the files and runs the runtime's command with them; without inputs, {@link #of}.
     *
     * @throws IllegalArgumentException for inputs {@link dev.sandpod.api.execution.InputLimits} refuses
     */
    public static RunSpec of(
            String name,
            ResolvedRuntime runtime,
            String script,
            dev.sandpod.api.execution.ExecutionInputs inputs,
            boolean compileTogether,
            SandboxLimits limits) {
        if (!inputs.feedsRun()) {
            return of(name, runtime, script, limits);
        }
        String launcher = RunLauncher.script(runtime.fileName(), script, runtime.argv(), inputs, compileTogether);
        return new RunSpec(
                name,
                RunLauncher.FILE_NAME,
                launcher,
                List.of(LAUNCHER_SHELL, RunLauncher.FILE_NAME),
                runtime.env(),
                limits);
    }

    /** The shell that runs a launcher: every sandbox sees the host's /bin read-only. */
    static final String LAUNCHER_SHELL = "/bin/sh";
}
