package dev.sandpod.query.execution;

import dev.sandpod.api.avro.OutputStream;
import dev.sandpod.api.avro.RunOutput;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.StreamExecutionQuery;
import dev.sandpod.api.kafka.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Relays live output from the runners to the streams open on this instance. Output is not a fact of the
 * execution (the final result carries it), so it never enters the event store. Every instance reads every
 * report (its own consumer group, from the latest offset), because the stream may be open on any of them.
 */
@Component
class LiveOutputRelay {

    private static final Logger log = LoggerFactory.getLogger(LiveOutputRelay.class);

    private final QueryUpdateEmitter emitter;

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
                emitter.emit(
                        StreamExecutionQuery.class, query -> query.executionId().equals(executionId), frame);
            }
        } catch (Exception e) {
            log.debug("Unreadable run report skipped by the live relay", e);
        }
    }
}
