package dev.sandpod.executor.kafka;

import dev.sandpod.api.avro.OutputStream;
import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunOutcome;
import dev.sandpod.api.avro.RunOutput;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.avro.RunStarted;
import dev.sandpod.executor.sandbox.OutputSink;
import dev.sandpod.executor.sandbox.RunResult;
import dev.sandpod.executor.sandbox.StreamKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends {@link RunReport}s (Avro single-object encoding) to the reports topic, keyed by execution id so all
 * reports of one execution land in one partition, in the order they were sent.
 */
public class RunReportPublisher {

    private static final Logger log = LoggerFactory.getLogger(RunReportPublisher.class);

    private final KafkaTemplate<String, byte[]> template;
    private final String topic;
    private final String runnerId;

    public RunReportPublisher(KafkaTemplate<String, byte[]> template, String topic, String runnerId) {
        this.template = template;
        this.topic = topic;
        this.runnerId = runnerId;
    }

    public String runnerId() {
        return runnerId;
    }

    /** The reporter of one execution; its sequence numbers start at 0 and only grow. */
    public Reporter forExecution(String executionId) {
        return new Reporter(executionId);
    }

    void flush() {
        template.flush();
    }

    /** Reports of one execution. Also the run's {@link OutputSink}, so live output goes straight out as frames. */
    public final class Reporter implements OutputSink {

        private final String executionId;
        private final AtomicLong sequence = new AtomicLong();

        private Reporter(String executionId) {
            this.executionId = executionId;
        }

        public void started() {
            send(RunStarted.newBuilder().build());
        }

        @Override
        public void output(StreamKind stream, String text) {
            send(RunOutput.newBuilder()
                    .setStream(stream == StreamKind.STDOUT ? OutputStream.STDOUT : OutputStream.STDERR)
                    .setData(text)
                    .build());
        }

        /** Completes when the broker has the report, exceptionally when it cannot be delivered. */
        public CompletableFuture<?> finished(RunResult r) {
            return send(RunFinished.newBuilder()
                    .setOutcome(RunOutcome.valueOf(r.outcome().name()))
                    .setExitCode(r.exitCode())
                    .setErrorType(r.errorType())
                    .setErrorMessage(r.errorMessage())
                    .setStdout(r.stdout())
                    .setStderr(r.stderr())
                    .setStdoutTruncated(r.stdoutTruncated())
                    .setStderrTruncated(r.stderrTruncated())
                    .setWallSeconds(r.wallSeconds())
                    .setCpuTimeJiffies(r.cpuTimeJiffies())
                    .setClkTckHertz(r.clkTckHertz())
                    .setPeakMemoryKb(r.peakMemoryKb())
                    .build());
        }

        /** Synchronized so that sequence order is send order, whichever thread reports. */
        private synchronized CompletableFuture<?> send(Object payload) {
            RunReport report = RunReport.newBuilder()
                    .setExecutionId(executionId)
                    .setSequence(sequence.getAndIncrement())
                    .setReportedAtMillis(System.currentTimeMillis())
                    .setRunner(runnerId)
                    .setPayload(payload)
                    .build();
            try {
                return template.send(topic, executionId, encode(report)).whenComplete((result, error) -> {
                    if (error != null) {
                        undelivered(report, error);
                    }
                });
            } catch (RuntimeException e) {
                // Never thrown at the run: the platform's timeout backstop ends an execution whose report is lost.
                undelivered(report, e);
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    private static void undelivered(RunReport report, Throwable error) {
        log.error(
                "run report {}#{} ({}) not delivered: {}",
                report.getExecutionId(),
                report.getSequence(),
                report.getPayload().getClass().getSimpleName(),
                error.toString());
    }

    /**
     * The report in Avro's single-object encoding, as {@code report.toByteBuffer()} writes it, but without Avro's
     * per-thread buffer: that buffer only grows, and every runner thread that once sent a run's final report
     * (up to 2 x {@code max_output_bytes} of output) kept megabytes for good — 31 MB on 15 threads in a heap dump
     * taken under output floods (issue 20 item 8, docs/architecture.md "Output floods").
     */
    static byte[] encode(RunReport report) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(SINGLE_OBJECT_HEADER);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            WRITER.write(report, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode run report", e);
        }
    }

    private static final SpecificDatumWriter<RunReport> WRITER = new SpecificDatumWriter<>(RunReport.getClassSchema());

    /** Avro's single-object marker (C3 01) and the schema's 64-bit fingerprint, little-endian. */
    private static final byte[] SINGLE_OBJECT_HEADER = ByteBuffer.allocate(10)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) 0xC3)
            .put((byte) 0x01)
            .putLong(SchemaNormalization.parsingFingerprint64(RunReport.getClassSchema()))
            .array();
}
