package dev.sandpod.api.execution;

import dev.sandpod.api.error.RequestValidationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The caps on a submission's inputs, checked at the web edge (422 naming the field) and again by the runners
 * before anything touches a workspace. Sizes are UTF-8 bytes. Everything a run gets must also fit in one
 * Kubernetes ConfigMap (1 MiB) beside a 50 000-character script, hence 512 KiB of stdin and 192 KiB of files.
 *
 * <p>File names are plain names: letters, digits, {@code . _ -}, 1 to 100 characters, not starting with a dot
 * (so no {@code ..}, no hidden files, no directories, no control characters or NUL), and not the main script's
 * own name. Text never holds NUL (a shell, an argv and a ConfigMap cannot carry it).
 */
public final class InputLimits {

    public static final int MAX_STDIN_BYTES = 512 * 1024;
    public static final int MAX_ARGS = 64;
    public static final int MAX_ARG_LENGTH = 4096;
    public static final int MAX_FILES = 20;
    public static final int MAX_FILES_BYTES = 192 * 1024;
    public static final int MAX_NAME_LENGTH = 100;
    public static final int MAX_EXPECTED_OUTPUT_BYTES = 1024 * 1024;
    /** Kept for the runner's own launcher; no submitted file may take it. */
    public static final String LAUNCHER_NAME = "sandpod-run.sh";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0," + (MAX_NAME_LENGTH - 1) + "}");

    private InputLimits() {}

    /** Whether {@code name} may be a file of a run's workspace (beside a main script called {@code mainFile}). */
    public static boolean validName(String name, String mainFile) {
        return name != null && NAME.matcher(name).matches() && !name.equals(mainFile) && !name.equals(LAUNCHER_NAME);
    }

    /** @throws RequestValidationException naming every field over its cap, under {@code body} */
    public static void check(ExecutionInputs inputs, String mainFile) {
        List<RequestValidationException.Violation> problems = new ArrayList<>();
        if (inputs.stdin() != null) {
            if (bytes(inputs.stdin()) > MAX_STDIN_BYTES) {
                problems.add(violation(List.of("stdin"), "stdin must be at most " + MAX_STDIN_BYTES + " bytes"));
            } else if (inputs.stdin().indexOf('\0') >= 0) {
                problems.add(violation(List.of("stdin"), "stdin must not contain NUL characters"));
            }
        }
        if (inputs.args().size() > MAX_ARGS) {
            problems.add(violation(List.of("args"), "At most " + MAX_ARGS + " arguments"));
        } else {
            for (int i = 0; i < inputs.args().size(); i++) {
                String arg = inputs.args().get(i);
                if (arg == null || arg.length() > MAX_ARG_LENGTH || arg.indexOf('\0') >= 0) {
                    problems.add(violation(
                            List.of("args", Integer.toString(i)),
                            "Each argument must be a string of at most " + MAX_ARG_LENGTH + " characters without NUL"));
                }
            }
        }
        if (inputs.files().size() > MAX_FILES) {
            problems.add(violation(List.of("files"), "At most " + MAX_FILES + " files"));
        } else {
            long total = 0;
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < inputs.files().size(); i++) {
                ExecutionInputs.InputFile file = inputs.files().get(i);
                String where = Integer.toString(i);
                if (file == null || !validName(file.name(), mainFile)) {
                    problems.add(violation(
                            List.of("files", where, "name"),
                            "A file name is 1 to " + MAX_NAME_LENGTH + " letters, digits, '.', '_' or '-', does not"
                                    + " start with '.', and is not " + mainFile + " or " + LAUNCHER_NAME));
                    continue;
                }
                if (!seen.add(file.name())) {
                    problems.add(violation(List.of("files", where, "name"), "Two files named " + file.name()));
                }
                if (file.content() == null || file.content().indexOf('\0') >= 0) {
                    problems.add(violation(
                            List.of("files", where, "content"), "A file's content is text without NUL characters"));
                    continue;
                }
                total += bytes(file.content());
            }
            if (total > MAX_FILES_BYTES) {
                problems.add(violation(List.of("files"), "Files must be at most " + MAX_FILES_BYTES + " bytes in all"));
            }
        }
        if (inputs.expectedOutput() != null && bytes(inputs.expectedOutput()) > MAX_EXPECTED_OUTPUT_BYTES) {
            problems.add(violation(
                    List.of("expected_output"),
                    "expected_output must be at most " + MAX_EXPECTED_OUTPUT_BYTES + " bytes"));
        }
        if (!problems.isEmpty()) {
            throw new RequestValidationException(problems);
        }
    }

    static long bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static RequestValidationException.Violation violation(List<String> field, String message) {
        List<String> loc = new ArrayList<>();
        loc.add("body");
        loc.addAll(field);
        return new RequestValidationException.Violation(loc, message, "value_error");
    }
}
