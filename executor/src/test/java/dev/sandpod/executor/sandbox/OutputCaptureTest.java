package dev.sandpod.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

    private static final int FRAME = 16;

    @Test
    void aCharacterSplitAcrossTwoReadsIsFramedWhole() {
        OutputCapture capture = new OutputCapture(StreamKind.STDOUT, 100, FRAME);
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);

        capture.accept(new byte[] {'a', euro[0]}, 2);
        List<String> first = capture.drain(false);
        capture.accept(new byte[] {euro[1], euro[2], 'b'}, 3);
        List<String> second = capture.drain(true);

        assertThat(first).containsExactly("a");
        assertThat(second).containsExactly("€b");
        assertThat(capture.text()).isEqualTo("a€b");
    }

    @Test
    void bytesPastTheCapAreDroppedAndFlagged() {
        OutputCapture capture = new OutputCapture(StreamKind.STDERR, 10, FRAME);

        assertThat(capture.accept("0123456789abc".getBytes(StandardCharsets.US_ASCII), 13))
                .isTrue();

        assertThat(capture.truncated()).isTrue();
        assertThat(capture.text()).isEqualTo("0123456789");
        assertThat(String.join("", capture.drain(true))).isEqualTo("0123456789");
    }

    @Test
    void everyFrameOfBinaryOutputStaysWithinTheBoundOnTheWire() {
        OutputCapture capture = new OutputCapture(StreamKind.STDOUT, 1000, FRAME);
        byte[] binary = new byte[100];
        Arrays.fill(binary, (byte) 0xFF);
        capture.accept(binary, binary.length);

        List<String> frames = new ArrayList<>(capture.drain(true));

        assertThat(frames)
                .allSatisfy(f ->
                        assertThat(f.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FRAME));
        assertThat(String.join("", frames)).isEqualTo("\uFFFD".repeat(100)).isEqualTo(capture.text());
    }
}
