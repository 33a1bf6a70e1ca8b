package dev.sandpod.executor.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Captures one stream of one run: bytes up to the cap are kept once and serve both the live frames and the
 * final text, so the platform never holds more than the cap per stream however much the program writes.
 * Counting is in bytes, never lines. Decoding replaces invalid UTF-8 with U+FFFD; frames end on code-point
 * boundaries so a multi-byte character split across two reads is not mangled.
 */
final class OutputCapture {

    private static final int INITIAL_CAPACITY = 8 * 1024;

    private final StreamKind kind;
    private final int cap;
    private final int frameBytes;
    private byte[] buffer;
    private int size;
    private int emitted;
    private boolean truncated;

    OutputCapture(StreamKind kind, long cap, int frameBytes) {
        this.kind = kind;
        this.cap = (int) Math.min(cap, Integer.MAX_VALUE - 16);
        this.frameBytes = Math.max(4, frameBytes);
        this.buffer = new byte[Math.min(this.cap, INITIAL_CAPACITY)];
    }

    StreamKind kind() {
        return kind;
    }

    /** Keeps what fits under the cap; returns true when bytes had to be dropped. */
    synchronized boolean accept(byte[] data, int length) {
        int room = cap - size;
        int take = Math.min(room, length);
        if (take > 0) {
            ensureCapacity(size + take);
            System.arraycopy(data, 0, buffer, size, take);
            size += take;
        }
        if (take < length) {
            truncated = true;
            return true;
        }
        return false;
    }

    synchronized boolean truncated() {
        return truncated;
    }

    /**
     * Frames of what arrived since the last call. While the run goes on, a trailing incomplete character waits
     * for its next bytes; at the end everything left is emitted (minus a character the cap cut in half).
     */
    synchronized List<String> drain(boolean finished) {
        int end = finished && !truncated ? size : completeLength(buffer, emitted, size);
        List<String> frames = new ArrayList<>();
        while (emitted < end) {
            int frameEnd = Math.min(end, emitted + frameBytes);
            if (frameEnd < end) {
                int cut = completeLength(buffer, emitted, frameEnd);
                frameEnd = cut > emitted ? cut : frameEnd;
            }
            addBounded(frames, new String(buffer, emitted, frameEnd - emitted, StandardCharsets.UTF_8));
            emitted = frameEnd;
        }
        return frames;
    }

    /**
     * Each invalid byte becomes U+FFFD, three bytes in UTF-8, so a frame of binary output can grow up to
     * three times on the wire; split such a frame so that every frame stays within the bound when encoded.
     */
    private void addBounded(List<String> frames, String text) {
        if (text.length() * 3L <= frameBytes || text.getBytes(StandardCharsets.UTF_8).length <= frameBytes) {
            frames.add(text);
            return;
        }
        int step = Math.max(2, frameBytes / 3);
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + step);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            frames.add(text.substring(start, end));
            start = end;
        }
    }

    /** The whole captured stream as text. */
    synchronized String text() {
        int end = truncated ? completeLength(buffer, 0, size) : size;
        return new String(buffer, 0, end, StandardCharsets.UTF_8);
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            int grown = (int) Math.min((long) cap, Math.max((long) buffer.length * 2, needed));
            buffer = Arrays.copyOf(buffer, grown);
        }
    }

    /** End of {@code [from, to)} without a trailing incomplete UTF-8 sequence. */
    static int completeLength(byte[] bytes, int from, int to) {
        for (int i = to - 1; i >= from && i >= to - 4; i--) {
            int b = bytes[i] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue;
            }
            return i + sequenceLength(b) > to ? i : to;
        }
        return to;
    }

    private static int sequenceLength(int lead) {
        if (lead >= 0xC0 && lead < 0xE0) {
            return 2;
        }
        if (lead >= 0xE0 && lead < 0xF0) {
            return 3;
        }
        if (lead >= 0xF0 && lead < 0xF8) {
            return 4;
        }
        return 1;
    }
}
