package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.StreamKind;

/**
 * Output of a finished pod as live frames, sent just before the final report so that SSE clients see the same
 * sequence as with the local runner (there the frames arrive while the program runs). Each frame is at most
 * {@code frameBytes} of UTF-8, cut on code-point boundaries.
 */
final class OutputFrames {

    private OutputFrames() {}

    static void emit(OutputSink sink, StreamKind stream, String text, int frameBytes) {
        int limit = Math.max(4, frameBytes);
        int start = 0;
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int size = utf8Length(cp);
            if (bytes + size > limit) {
                sink.output(stream, text.substring(start, i));
                start = i;
                bytes = 0;
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        if (start < text.length()) {
            sink.output(stream, text.substring(start));
        }
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
}
