package dev.sandpod.executor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunOutcome;
import dev.sandpod.api.avro.RunOutput;
import dev.sandpod.api.avro.RunReport;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Reports are encoded without Avro's per-thread buffer, byte for byte as Avro's own single-object encoder does. */
class RunReportEncodingTest {

    @Test
    void aFinalReportWithCappedOutputEncodesAsAvroDoesAndDecodesBack() throws Exception {
        String stdout = "x".repeat(1 << 20);
        String stderr = "é\uFFFD".repeat(1000);
        RunReport report = RunReport.newBuilder()
                .setExecutionId("e-1")
                .setSequence(7)
                .setReportedAtMillis(1_700_000_000_000L)
                .setRunner("runner-1")
                .setPayload(RunFinished.newBuilder()
                        .setOutcome(RunOutcome.COMPLETED)
                        .setExitCode(0)
                        .setErrorType(null)
                        .setErrorMessage(null)
                        .setStdout(stdout)
                        .setStderr(stderr)
                        .setStdoutTruncated(true)
                        .setStderrTruncated(false)
                        .setWallSeconds(1.5)
                        .setCpuTimeJiffies(10L)
                        .setClkTckHertz(100)
                        .setPeakMemoryKb(1024L)
                        .build())
                .build();

        byte[] encoded = RunReportPublisher.encode(report);

        ByteBuffer avro = report.toByteBuffer();
        byte[] expected = new byte[avro.remaining()];
        avro.get(expected);
        assertThat(encoded).isEqualTo(expected);
        RunReport decoded = RunReport.fromByteBuffer(ByteBuffer.wrap(encoded));
        assertThat(((RunFinished) decoded.getPayload()).getStdout()).isEqualTo(stdout);
        assertThat(((RunFinished) decoded.getPayload()).getStderr()).isEqualTo(stderr);
        assertThat(decoded.getSequence()).isEqualTo(7);
    }

    @Test
    void anOutputFrameEncodesAsAvroDoes() throws Exception {
        RunReport report = RunReport.newBuilder()
                .setExecutionId("e-2")
                .setSequence(0)
                .setReportedAtMillis(1L)
                .setRunner("r")
                .setPayload(RunOutput.newBuilder()
                        .setStream(dev.sandpod.api.avro.OutputStream.STDERR)
                        .setData("frame\n")
                        .build())
                .build();
        ByteBuffer avro = report.toByteBuffer();
        byte[] expected = new byte[avro.remaining()];
        avro.get(expected);
        assertThat(RunReportPublisher.encode(report)).isEqualTo(expected);
    }
}
