package dev.sandpod.executor.sandbox;

import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.api.execution.InputLimits;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A run with inputs (stdin, arguments, extra files) starts through a small {@code sh} script written into the
 * workspace in place of the main script, the same way for both runners: it writes the main script and every
 * extra file as a regular file, then runs the runtime's command with the arguments appended, stdin fed to it
 * through a pipe (or {@code /dev/null}). Pure: the same inputs and delimiter give the same script.
 *
 * <p>Nothing of the user's is ever interpreted by the shell: contents travel in here-documents with a quoted
 * delimiter (no expansion) that is random per run and checked to occur in no content, cut to their exact byte
 * length by {@code head -c}; names were validated ({@link InputLimits#validName}: plain names only) and are
 * single-quoted anyway, as is every argument. {@code set -C} makes each {@code >} create its file
 * ({@code O_CREAT|O_EXCL}), so a write never follows a symbolic link or replaces an existing file.
 */
public final class RunLauncher {

    /** The launcher's name in the workspace; no submitted file may take it. */
    public static final String FILE_NAME = InputLimits.LAUNCHER_NAME;

    private static final SecureRandom RANDOM = new SecureRandom();

    private RunLauncher() {}

    /**
     * @param mainFile        the runtime's file name for the script
     * @param argv            the runtime's command (it names {@code mainFile})
     * @param compileTogether whether extra files with the main file's extension join it on the command line (Go:
     *                        {@code go run main.go util.go})
     * @throws IllegalArgumentException for an input {@link InputLimits} refuses
     */
    public static String script(
            String mainFile, String script, List<String> argv, ExecutionInputs inputs, boolean compileTogether) {
        return script(mainFile, script, argv, inputs, compileTogether, randomDelimiter());
    }

    static String script(
            String mainFile,
            String script,
            List<String> argv,
            ExecutionInputs inputs,
            boolean compileTogether,
            String delimiter) {
        try {
            InputLimits.check(inputs, mainFile);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("inputs refused: " + e.getMessage(), e);
        }
        List<String> contents = new ArrayList<>();
        contents.add(script);
        inputs.files().forEach(file -> contents.add(file.content()));
        if (inputs.stdin() != null) {
            contents.add(inputs.stdin());
        }
        String end = delimiter;
        if (contents.stream().anyMatch(c -> c.contains(end))) {
            // astronomically unlikely with a random delimiter, but a content line must never end a document
            return script(mainFile, script, argv, inputs, compileTogether, randomDelimiter());
        }
        StringBuilder sh = new StringBuilder("set -C\n");
        write(sh, mainFile, script, end);
        List<String> command = new ArrayList<>();
        String extension = extension(mainFile);
        for (String word : argv) {
            command.add(word);
            if (compileTogether && word.equals(mainFile)) {
                inputs.files().stream()
                        .map(ExecutionInputs.InputFile::name)
                        .filter(name -> extension(name).equals(extension))
                        .forEach(command::add);
            }
        }
        for (ExecutionInputs.InputFile file : inputs.files()) {
            write(sh, file.name(), file.content(), end);
        }
        command.addAll(inputs.args());
        StringBuilder exec = new StringBuilder("exec");
        command.forEach(word -> exec.append(' ').append(quote(word)));
        if (inputs.stdin() == null || inputs.stdin().isEmpty()) {
            sh.append(exec).append(" </dev/null\n");
        } else {
            sh.append("head -c ")
                    .append(bytes(inputs.stdin()))
                    .append(" <<'")
                    .append(end)
                    .append("' | ")
                    .append(exec)
                    .append('\n')
                    .append(inputs.stdin())
                    .append('\n')
                    .append(end)
                    .append('\n');
        }
        return sh.toString();
    }

    private static void write(StringBuilder sh, String name, String content, String end) {
        sh.append("head -c ")
                .append(bytes(content))
                .append(" >")
                .append(quote(name))
                .append(" <<'")
                .append(end)
                .append("' || exit 125\n")
                .append(content)
                .append('\n')
                .append(end)
                .append('\n');
    }

    /** One shell word, taken literally: single quotes, with each {@code '} as {@code '\''}. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static long bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    private static String randomDelimiter() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "SANDPOD_EOF_" + HexFormat.of().formatHex(bytes);
    }
}
