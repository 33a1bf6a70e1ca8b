package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.sandbox.RunResult;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * How a pod's phase, its container's state and what {@link RunWrapper} left behind map to a run result
 *. The precedence follows the local runner: the platform's reasons (deadline, memory, eviction)
 * before the program's own exit code, and a program that ran to its end is {@code completed} whatever its code.
 */
final class PodOutcomes {

    /** USER_HZ, the tick of every Linux CPU time; the wrapper's microseconds are converted to it. */
    static final int CLK_TCK = 100;

    private PodOutcomes() {}

    /**
     * The result of a pod in phase Succeeded or Failed.
     *
     * @param log        the container log (may be null when it could not be read)
     * @param logProblem why the log could not be read, or null
     */
    static RunResult finished(Pod pod, String log, String logProblem) {
        Map<String, String> annotations = annotations(pod);
        long cap = number(annotations.get(RunPod.MAX_OUTPUT_BYTES), 1L << 20);
        long memoryBytes = number(annotations.get(RunPod.MEMORY_BYTES), 0);
        long timeoutSeconds = number(annotations.get(RunPod.TIMEOUT_SECONDS), 0);
        ContainerStateTerminated term = terminated(container(pod));
        Optional<RunWrapper.Status> status = RunWrapper.parseStatus(term == null ? null : term.getMessage());
        Optional<RunWrapper.Dump> dump = RunWrapper.parseLog(log);
        // The termination log is writable by the run (the kubelet makes it 0666) and so is the container log
        // (/proc/1/fd/1): the wrapper overwrites the first and appends the last block to the second only after
        // killing every other process, and exits with the code it reported. A status whose exit differs from the
        // container's own (kubelet-recorded) exit code is therefore not the wrapper's: neither it nor the log
        // block is taken (H37).
        String distrust = null;
        if (status.isPresent()
                && (term == null
                        || term.getExitCode() == null
                        || term.getExitCode() != status.get().exitCode())) {
            distrust = "the status in the termination log (exit " + status.get().exitCode()
                    + ") is not the container's own (exit " + (term == null ? null : term.getExitCode())
                    + "), so it was not written by the wrapper";
            status = Optional.empty();
            dump = Optional.empty();
        }

        String podReasonEarly = pod.getStatus() == null ? null : pod.getStatus().getReason();
        if (("DeadlineExceeded".equals(podReasonEarly) || "Evicted".equals(podReasonEarly))
                && !status.map(PodOutcomes::wrapperFinishedItself).orElse(false)) {
            // The kubelet killed the container before the wrapper finished (it ignores a TERM before the run's own
            // timeout): a block in the log can then only be the run's (H37).
            dump = Optional.empty();
        }
        boolean stdoutCut = status.map(s -> s.stdoutBytes() > cap).orElse(false);
        boolean stderrCut = status.map(s -> s.stderrBytes() > cap).orElse(false);
        String stdout = dump.map(d -> text(d.stdout(), stdoutCut)).orElse("");
        String stderr = dump.map(d -> text(d.stderr(), stderrCut)).orElse("");
        double wall = status.map(s -> s.wallCentis() / 100.0).orElseGet(() -> wallSeconds(term));
        long cpuJiffies = status.map(s -> s.cpuMicros() / (1_000_000 / CLK_TCK)).orElse(0L);
        long peakKb = status.map(s -> s.peakBytes() / 1024).orElse(0L);
        int exitCode = status.map(RunWrapper.Status::exitCode)
                .orElse(term != null && term.getExitCode() != null ? term.getExitCode() : -1);
        String podReason = pod.getStatus() == null ? null : pod.getStatus().getReason();
        String podMessage = pod.getStatus() == null ? null : pod.getStatus().getMessage();
        String ended = status.map(RunWrapper.Status::ended).orElse(null);

        if ("DeadlineExceeded".equals(podReason) || "timeout".equals(ended)) {
            return new RunResult(
                    RunResult.Outcome.TIMEOUT,
                    -1,
                    "timeout",
                    "Execution timed out after " + timeoutSeconds + " s",
                    stdout,
                    stderr,
                    stdoutCut,
                    stderrCut,
                    wall,
                    cpuJiffies,
                    CLK_TCK,
                    peakKb);
        }
        boolean oom = (term != null && "OOMKilled".equals(term.getReason()))
                || status.map(s -> s.oomKills() > 0).orElse(false);
        if (oom) {
            // Without the wrapper's status (the whole container was killed) the limit itself is the high-water mark.
            long peak = status.isPresent() ? peakKb : memoryBytes / 1024;
            return new RunResult(
                    RunResult.Outcome.FAILED,
                    exitCode,
                    "resource_limit",
                    "Memory limit of " + memoryBytes / (1024 * 1024) + " MiB exceeded",
                    stdout,
                    stderr,
                    stdoutCut,
                    stderrCut,
                    wall,
                    cpuJiffies,
                    CLK_TCK,
                    peak);
        }
        if ("Evicted".equals(podReason)) {
            return new RunResult(
                    RunResult.Outcome.FAILED,
                    -1,
                    "resource_limit",
                    "Run pod evicted: " + podMessage,
                    stdout,
                    stderr,
                    stdoutCut,
                    stderrCut,
                    wall,
                    cpuJiffies,
                    CLK_TCK,
                    peakKb);
        }
        if (distrust != null) {
            return RunResult.failed("system_error", "Run result not taken: " + distrust, CLK_TCK);
        }
        if (status.isEmpty()) {
            String what = term == null
                    ? "no terminated state"
                    : "reason " + term.getReason() + ", exit " + term.getExitCode()
                            + (term.getMessage() == null || term.getMessage().isBlank()
                                    ? ""
                                    : ": " + abbreviate(term.getMessage()));
            return RunResult.failed(
                    "system_error",
                    "Run container ended without the wrapper's status (" + what
                            + (podReason == null ? "" : "; pod " + podReason) + ")",
                    CLK_TCK);
        }
        if ("setup".equals(ended)) {
            return new RunResult(
                    RunResult.Outcome.FAILED,
                    -1,
                    "system_error",
                    "Runtime could not be started: " + abbreviate(stderr.trim()),
                    "",
                    "",
                    false,
                    false,
                    wall,
                    0,
                    CLK_TCK,
                    peakKb);
        }
        if ("tampered".equals(ended)) {
            return new RunResult(
                    RunResult.Outcome.FAILED,
                    -1,
                    "system_error",
                    "The run replaced its output files (no longer regular files); its output was not read",
                    "",
                    "",
                    false,
                    false,
                    wall,
                    cpuJiffies,
                    CLK_TCK,
                    peakKb);
        }
        if ("term".equals(ended)) {
            return new RunResult(
                    RunResult.Outcome.FAILED,
                    -1,
                    "system_error",
                    "Run pod was stopped by the cluster" + (podReason == null ? "" : " (" + podReason + ")"),
                    stdout,
                    stderr,
                    stdoutCut,
                    stderrCut,
                    wall,
                    cpuJiffies,
                    CLK_TCK,
                    peakKb);
        }
        String message = dump.isPresent()
                ? null
                : "Output unavailable: "
                        + (logProblem != null ? logProblem : "no complete output block in the container log");
        return new RunResult(
                RunResult.Outcome.COMPLETED,
                exitCode,
                null,
                message,
                stdout,
                stderr,
                stdoutCut,
                stderrCut,
                wall,
                cpuJiffies,
                CLK_TCK,
                peakKb);
    }

    /**
     * Whether the wrapper ended on its own after a stop: its timeout (exit 124) or, from wrappers before H37, its
     * SIGTERM finish (exit 143). A container the kubelet killed exits 137, which a run's forged status cannot
     * change: {@link #finished} only takes a status whose exit equals the container's.
     */
    private static boolean wrapperFinishedItself(RunWrapper.Status s) {
        return ("timeout".equals(s.ended()) && s.exitCode() == 124)
                || ("term".equals(s.ended()) && s.exitCode() == 143);
    }

    static ContainerStatus container(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(c -> RunPod.CONTAINER.equals(c.getName()))
                .findFirst()
                .orElse(null);
    }

    static ContainerStateTerminated terminated(ContainerStatus status) {
        if (status == null) {
            return null;
        }
        if (status.getState() != null && status.getState().getTerminated() != null) {
            return status.getState().getTerminated();
        }
        return status.getLastState() == null ? null : status.getLastState().getTerminated();
    }

    static Map<String, String> annotations(Pod pod) {
        Map<String, String> a =
                pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    static long number(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Bytes as text: invalid UTF-8 becomes U+FFFD; a character the cap cut in half is dropped rather than shown
     * as a replacement character (as the local runner does).
     */
    static String text(byte[] bytes, boolean cut) {
        int end = cut ? completeLength(bytes) : bytes.length;
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, end));
            return chars.toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(bytes, 0, end, StandardCharsets.UTF_8);
        }
    }

    private static int completeLength(byte[] bytes) {
        int to = bytes.length;
        for (int i = to - 1; i >= 0 && i >= to - 4; i--) {
            int b = bytes[i] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue;
            }
            int length = b >= 0xF0 && b < 0xF8 ? 4 : b >= 0xE0 && b < 0xF0 ? 3 : b >= 0xC0 && b < 0xE0 ? 2 : 1;
            return i + length > to ? i : to;
        }
        return to;
    }

    private static double wallSeconds(ContainerStateTerminated term) {
        if (term == null || term.getStartedAt() == null || term.getFinishedAt() == null) {
            return 0;
        }
        try {
            return Duration.between(
                                    OffsetDateTime.parse(term.getStartedAt()),
                                    OffsetDateTime.parse(term.getFinishedAt()))
                            .toMillis()
                    / 1000.0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
