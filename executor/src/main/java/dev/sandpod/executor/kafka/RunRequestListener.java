package dev.sandpod.executor.kafka;

import dev.sandpod.api.avro.RunCommand;
import java.nio.ByteBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Consumes {@code sandpod.run-requests}. Only decodes and hands over: the dispatcher returns at once, so this
 * consumer thread is always free for the next command — above all a cancel of a run that is going.
 */
public class RunRequestListener {

    private static final Logger log = LoggerFactory.getLogger(RunRequestListener.class);

    private final RunDispatcher dispatcher;

    public RunRequestListener(RunDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @KafkaListener(
            id = "sandpod-executor-run-requests",
            topics = "${sandpod.executor.requests-topic:sandpod.run-requests}",
            groupId = "${sandpod.executor.group-id:sandpod-executor}")
    void onMessage(ConsumerRecord<String, byte[]> record) {
        RunCommand command;
        try {
            command = RunCommand.fromByteBuffer(ByteBuffer.wrap(record.value()));
        } catch (Exception e) {
            // A poison message is skipped, not retried: no retry can make it decodable.
            log.error(
                    "undecodable run command at {}-{}@{} (key {}) skipped: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.key(),
                    e.toString());
            return;
        }
        dispatcher.handle(command);
    }
}
