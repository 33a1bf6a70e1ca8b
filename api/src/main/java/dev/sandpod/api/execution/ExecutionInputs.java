package dev.sandpod.api.execution;

import java.util.List;

/**
 * What a submission gives its run besides the script: {@code stdin} (null: none), {@code args} appended to the
 * runtime's command, extra {@code files} written beside the main script, and the {@code expectedOutput} the
 * result's stdout is compared with (never sent to a runner). Validated by {@link InputLimits} before a command
 * carries them; events store them as validated, so a retry replays exactly these values.
 */
public record ExecutionInputs(String stdin, List<String> args, List<InputFile> files, String expectedOutput) {

    public static final ExecutionInputs NONE = new ExecutionInputs(null, List.of(), List.of(), null);

    public ExecutionInputs {
        args = args == null ? List.of() : List.copyOf(args);
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** One extra file of the workspace: a plain name (no directories) and its text. */
    public record InputFile(String name, String content) {}

    /** Whether the run itself gets anything beyond its script (stdin, arguments or files). */
    public boolean feedsRun() {
        return stdin != null || !args.isEmpty() || !files.isEmpty();
    }

    /** Stored events from before inputs existed carry none. */
    public static ExecutionInputs orNone(ExecutionInputs inputs) {
        return inputs == null ? NONE : inputs;
    }
}
