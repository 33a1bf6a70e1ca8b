package dev.sandpod.executor.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The shell wrapper that is PID 1 of every run container ({@code run-wrapper.sh} beside this class), and the
 * parsers of what it leaves behind: a one-line termination message with the exit code and usage, and a marker
 * block at the end of the container log with both output streams, each cut at the cap and base64-encoded.
 *
 * <p>Why a wrapper and not the bare command: the container log mixes stdout and stderr and has no cap, while
 * {@code kubectl logs} is the only way to read anything from a finished container. Rejected alternatives: a
 * prefix per line (breaks on binary output and on a huge line without newline, needs a filter process per
 * stream), the termination message alone (4 KiB).
 */
final class RunWrapper {

    static final String SHELL = "/bin/sh";
    static final String STDOUT_DIR = "/sandpod/stdout";
    static final String STDERR_DIR = "/sandpod/stderr";
    static final String SCRIPT_DIR = "/sandpod/script";
    static final String WORKSPACE = "/workspace";
    static final String SCRIPT = load();

    private static final String MARK = "@@sandpod-dump/1 ";
    private static final String STDOUT_MARK = MARK + "stdout\n";
    private static final String STDERR_MARK = MARK + "stderr\n";
    private static final String END_MARK = MARK + "end";
    private static final int LINE = 76;

    private RunWrapper() {}

    /** The container command: the wrapper with its arguments, then the runtime's own command. */
    static List<String> command(long timeoutSeconds, long maxOutputBytes, String fileName, List<String> argv) {
        List<String> command = new ArrayList<>(List.of(
                SHELL,
                "-c",
                SCRIPT,
                "sandpod",
                Long.toString(timeoutSeconds),
                Long.toString(maxOutputBytes),
                fileName));
        command.addAll(argv);
        return command;
    }

    /** Size of each output volume: one page more than the cap, so that a stream past its cap shows as longer. */
    static long outputVolumeBytes(long maxOutputBytes) {
        return maxOutputBytes + 4096;
    }

    /** Log bytes worth reading: both encoded streams with their markers, and room for what came before. */
    static int logLimitBytes(long maxOutputBytes) {
        long encoded = (maxOutputBytes + 2) / 3 * 4;
        long lines = encoded / LINE + 2;
        return (int) Math.min(Integer.MAX_VALUE, 2 * (encoded + lines) + 64 * 1024);
    }

    /**
     * Log lines of the wrapper's block at most: its blank line and four marker lines, and each stream's base64
     * lines; the tail of the log this long holds the whole block and never anything written after it.
     */
    static int logTailLines(long maxOutputBytes) {
        long encoded = (maxOutputBytes + 2) / 3 * 4;
        return (int) Math.min(Integer.MAX_VALUE, 2 * (encoded / LINE + 1) + 5);
    }

    /**
     * What the wrapper wrote as the termination message.
     *
     * @param ended       {@code exit} (the program ended), {@code timeout} (the wrapper's clock), {@code setup}
     *                    (the program could not be started), {@code tampered} (an output file was replaced by
     *                    something other than a regular file) or, from wrappers before H37, {@code term}
     * @param exitCode    the program's exit code (128+n when killed by signal n)
     * @param stdoutBytes how much the program wrote to stdout, up to the volume's size: more than the cap means cut
     */
    record Status(
            String ended,
            int exitCode,
            long wallCentis,
            long cpuMicros,
            long peakBytes,
            long oomKills,
            long stdoutBytes,
            long stderrBytes) {}

    static Optional<Status> parseStatus(String message) {
        if (message == null || !message.startsWith("sandpod/1 ")) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String token : message.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                fields.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        try {
            return Optional.of(new Status(
                    fields.getOrDefault("ended", "exit"),
                    Integer.parseInt(fields.get("exit")),
                    number(fields, "wall_cs"),
                    number(fields, "cpu_us"),
                    number(fields, "peak_bytes"),
                    number(fields, "oom_kills"),
                    number(fields, "stdout_bytes"),
                    number(fields, "stderr_bytes")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Both streams as the program wrote them (at most the cap each). */
    record Dump(byte[] stdout, byte[] stderr) {}

    /**
     * The last complete marker block of the log. The program's output is inside it only base64-encoded, so no
     * output can contain a marker; anything the program wrote straight to the log came before the block.
     */
    static Optional<Dump> parseLog(String log) {
        if (log == null) {
            return Optional.empty();
        }
        int start = log.lastIndexOf(STDOUT_MARK);
        if (start < 0) {
            return Optional.empty();
        }
        int outFrom = start + STDOUT_MARK.length();
        int errMark = log.indexOf(STDERR_MARK, outFrom);
        if (errMark < 0) {
            return Optional.empty();
        }
        int errFrom = errMark + STDERR_MARK.length();
        int end = log.indexOf(END_MARK, errFrom);
        if (end < 0) {
            return Optional.empty();
        }
        try {
            Base64.Decoder decoder = Base64.getMimeDecoder();
            return Optional.of(new Dump(
                    decoder.decode(log.substring(outFrom, errMark)), decoder.decode(log.substring(errFrom, end))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** How the wrapper would have written a log block; for tests and tools that simulate a kubelet. */
    static String formatLog(byte[] stdout, byte[] stderr) {
        Base64.Encoder encoder = Base64.getMimeEncoder(LINE, new byte[] {'\n'});
        return "\n" + STDOUT_MARK + lines(encoder.encodeToString(stdout)) + STDERR_MARK
                + lines(encoder.encodeToString(stderr)) + END_MARK + "\n";
    }

    private static String lines(String encoded) {
        return encoded.isEmpty() ? "" : encoded + "\n";
    }

    private static long number(Map<String, String> fields, String key) {
        String value = fields.get(key);
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    private static String load() {
        try (InputStream in = RunWrapper.class.getResourceAsStream("run-wrapper.sh")) {
            if (in == null) {
                throw new IllegalStateException("run-wrapper.sh missing from the executor jar");
            }
            // Comment lines stay in the source file; the pod spec gets the bare script.
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.stripLeading().startsWith("#"))
                    .collect(Collectors.joining("\n", "", "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
