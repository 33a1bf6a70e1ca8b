package dev.sandpod.query.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.avro.OutputStream;
import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunOutcome;
import dev.sandpod.api.avro.RunOutput;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.StreamExecutionQuery;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.GenericSubscriptionQueryMessage;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.axonframework.queryhandling.SubscriptionQueryMessage;
import org.junit.jupiter.api.Test;

/** The relay sends a run's output, then marks the end of it, which the run's streams wait for (issue 20 item 6). */
class LiveOutputRelayTest {

    @Test
    void aRunsEndIsRelayedAfterItsOutputAndRemembered() throws IOException {
        QueryUpdateEmitter emitter = SimpleQueryUpdateEmitter.builder().build();
        SubscriptionQueryMessage<StreamExecutionQuery, List<ExecutionFrameView>, ExecutionFrameView> query =
                new GenericSubscriptionQueryMessage<>(
                        new StreamExecutionQuery("run-1"),
                        ResponseTypes.multipleInstancesOf(ExecutionFrameView.class),
                        ResponseTypes.instanceOf(ExecutionFrameView.class));
        var updates = emitter.registerUpdateHandler(query, 16);
        var relay = new LiveOutputRelay(emitter);
        assertThat(relay.outputEnded("run-1"))
                .as("before the relay has partitions, no end is waited for")
                .isTrue();
        relay.onPartitionsAssigned(Map.of(new TopicPartition("sandpod.run-reports", 0), 0L), null);

        relay.on(record(report(
                0,
                RunOutput.newBuilder()
                        .setStream(OutputStream.STDOUT)
                        .setData("last line\n")
                        .build())));
        assertThat(relay.outputEnded("run-1")).isFalse();
        relay.on(record(report(1, finished())));

        assertThat(relay.outputEnded("run-1")).isTrue();
        assertThat(relay.outputEnded("run-2")).isFalse();
        List<ExecutionFrameView> frames = updates.getUpdates()
                .take(2)
                .map(update -> (ExecutionFrameView) update.getPayload())
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(frames).extracting(ExecutionFrameView::eventType).containsExactly("output", "output_end");
        assertThat(frames.get(1)).matches(LiveOutputRelay::isOutputEnd);
    }

    private static RunFinished finished() {
        return RunFinished.newBuilder()
                .setOutcome(RunOutcome.COMPLETED)
                .setExitCode(0)
                .setStdout("last line\n")
                .setStderr("")
                .setStdoutTruncated(false)
                .setStderrTruncated(false)
                .setWallSeconds(0.1)
                .setCpuTimeJiffies(1)
                .setClkTckHertz(100)
                .setPeakMemoryKb(1000)
                .build();
    }

    private static RunReport report(long sequence, Object payload) {
        return RunReport.newBuilder()
                .setExecutionId("run-1")
                .setSequence(sequence)
                .setReportedAtMillis(System.currentTimeMillis())
                .setRunner("runner-1")
                .setPayload(payload)
                .build();
    }

    private static ConsumerRecord<String, byte[]> record(RunReport report) throws IOException {
        var buffer = report.toByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new ConsumerRecord<>("sandpod.run-reports", 0, report.getSequence(), "run-1", bytes);
    }
}
