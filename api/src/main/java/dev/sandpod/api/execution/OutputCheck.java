package dev.sandpod.api.execution;

import java.util.regex.Pattern;

/**
 * How a finished run's stdout compares with the submission's {@code expected_output}, for graders: {@code exact}
 * (byte for byte), and {@code trimmed} (each line's trailing whitespace and trailing blank lines ignored, on both
 * sides). A cut stdout matches neither. The run's status does not depend on it.
 */
public record OutputCheck(boolean exact, boolean trimmed) {

    private static final Pattern LINE_END_SPACE = Pattern.compile("[ \\t\\x0B\\f\\r]+(?=\\n|$)");

    /** Null when there is nothing to compare: no expected output, or no stdout yet. */
    public static OutputCheck of(String expected, String stdout, boolean stdoutTruncated) {
        if (expected == null || stdout == null) {
            return null;
        }
        if (stdoutTruncated) {
            return new OutputCheck(false, false);
        }
        return new OutputCheck(stdout.equals(expected), trim(stdout).equals(trim(expected)));
    }

    static String trim(String text) {
        return LINE_END_SPACE.matcher(text).replaceAll("").stripTrailing();
    }
}
