package dev.sandpod.sagas.dispatch;

import dev.sandpod.api.avro.CancelRun;
import dev.sandpod.api.avro.RunCommand;
import dev.sandpod.api.avro.RunFile;
import dev.sandpod.api.avro.RunLimits;
import dev.sandpod.api.avro.RunRequested;
import dev.sandpod.api.execution.ExecutionCancelledEvent;
import dev.sandpod.api.execution.ExecutionLimits;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.api.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes run requests and cancels to Kafka, driven by a streaming processor over the event store: the
 * store is the outbox, so a stored event is published at least once even across crashes. The send is
 * awaited, and a failure propagates so the processor retries the event instead of skipping it.
 */
@Component
@ProcessingGroup(RunRequestPublisher.PROCESSING_GROUP)
@DisallowReplay
class RunRequestPublisher {

    static final String PROCESSING_GROUP = "run-dispatch";
    private static final long SEND_TIMEOUT_SECONDS = 15;

    private final KafkaTemplate<String, byte[]> kafka;

    RunRequestPublisher(KafkaTemplate<String, byte[]> kafka) {
        this.kafka = kafka;
    }

    @EventHandler
    void on(ExecutionScheduledEvent event, @Timestamp Instant at) throws Exception {
        ExecutionLimits l = event.limits();
        var limits = new RunLimits(
                l.timeoutSeconds(), l.memoryBytes(), l.cpuMillis(), l.pids(), l.maxOutputBytes(), l.workspaceBytes());
        publish(
                event.executionId(),
                at,
                new RunRequested(
                        event.lang(),
                        event.langVersion(),
                        event.script(),
                        limits,
                        event.inputs().stdin(),
                        event.inputs().args(),
                        event.inputs().files().stream()
                                .map(file -> new RunFile(file.name(), file.content()))
                                .toList()));
    }

    @EventHandler
    void on(ExecutionCancelledEvent event, @Timestamp Instant at) throws Exception {
        publish(event.executionId(), at, new CancelRun(event.reason()));
    }

    private void publish(String executionId, Instant at, Object payload)
            throws InterruptedException, ExecutionException, TimeoutException {
        RunCommand command = new RunCommand(executionId, at.toEpochMilli(), Map.of(), payload);
        byte[] bytes;
        try {
            var buffer = command.toByteBuffer();
            bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka.send(Topics.RUN_REQUESTS, executionId, bytes).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
