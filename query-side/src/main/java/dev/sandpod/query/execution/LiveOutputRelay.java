package dev.sandpod.query.execution;

import dev.sandpod.api.avro.OutputStream;
import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunOutput;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.StreamExecutionQuery;
import dev.sandpod.api.kafka.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

/**
 * Relays live output from the runners to the streams open on this instance. Output is not a fact of the
 * execution (the final result carries it), so it never enters the event store. Every instance reads every
 * report (its own consumer group, from the latest offset), because the stream may be open on any of them.
 *
 * <p>A run's end ({@code RunFinished}, its last report, after all of its output on the same partition) is relayed
 * too, as an {@link #OUTPUT_END} frame that no client sees: this consumer is not the one that turns the end into the
 * run's {@code result_stored} frame, and under load it can be behind that one, so a stream holds its final frame
 * until the output's end has come through here ({@link ExecutionStream}) instead of ending before its last output.
 */
@Component
class LiveOutputRelay implements ConsumerSeekAware {

    /** The internal frame marking that every output frame of the run has been relayed; never sent to a client. */
    static final String OUTPUT_END = "output_end";

    private static final Logger log = LoggerFactory.getLogger(LiveOutputRelay.class);
    /** Runs whose end went through recently, for a stream that opens after the end's frame was emitted. */
    private static final int REMEMBERED_ENDS = 4096;

    private final QueryUpdateEmitter emitter;
    private volatile boolean relaying;
    private final Map<String, Boolean> ended = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_ENDS;
        }
    });

    LiveOutputRelay(QueryUpdateEmitter emitter) {
        this.emitter = emitter;
    }

    @KafkaListener(
            topics = Topics.RUN_REPORTS,
            groupId = "sandpod-live-#{T(java.util.UUID).randomUUID().toString()}",
            properties = {"auto.offset.reset=latest", "enable.auto.commit=false"})
    void on(ConsumerRecord<String, byte[]> record) {
        try {
            RunReport report = RunReport.fromByteBuffer(ByteBuffer.wrap(record.value()));
            if (report.getPayload() instanceof RunOutput output) {
                String executionId = report.getExecutionId();
                String stream = output.getStream() == OutputStream.STDERR ? "stderr" : "stdout";
                var frame = new ExecutionFrameView(
                        "output",
                        executionId,
                        Instant.ofEpochMilli(report.getReportedAtMillis()),
                        null,
                        null,
                        null,
                        stream,
                        output.getData());
                emit(frame);
            } else if (report.getPayload() instanceof RunFinished) {
                // Remembered before it is emitted: a stream registered before gets the frame, one after finds this.
                ended.put(report.getExecutionId(), Boolean.TRUE);
                emit(outputEnd(report.getExecutionId()));
            }
        } catch (Exception e) {
            log.debug("Unreadable run report skipped by the live relay", e);
        }
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        relaying = true;
    }

    /**
     * Whether the run's end (and so every output frame before it) has been relayed on this instance; also true
     * while the relay has no partition yet (just after the start), as then it may never see that end.
     */
    boolean outputEnded(String executionId) {
        return !relaying || ended.containsKey(executionId);
    }

    static ExecutionFrameView outputEnd(String executionId) {
        return new ExecutionFrameView(OUTPUT_END, executionId, Instant.now(), null, null, null, null, null);
    }

    static boolean isOutputEnd(ExecutionFrameView frame) {
        return OUTPUT_END.equals(frame.eventType());
    }

    private void emit(ExecutionFrameView frame) {
        String executionId = frame.executionId();
        emitter.emit(StreamExecutionQuery.class, query -> query.executionId().equals(executionId), frame);
    }
}
