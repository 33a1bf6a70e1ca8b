package dev.sandpod.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.api.avro.OutputStream;
import dev.sandpod.api.avro.RunCommand;
import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunLimits;
import dev.sandpod.api.avro.RunOutput;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.avro.RunRequested;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/** Both ends of the executor's Kafka contract for the tests: commands in, reports out. */
final class RunReports implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);

    private final Consumer<String, byte[]> consumer;
    private final List<RunReport> reports = new ArrayList<>();

    RunReports(EmbeddedKafkaBroker broker, String topic) {
        Map<String, Object> props = KafkaTestUtils.consumerProps("k8s-report-reader", "true", broker);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer())
                .createConsumer();
        broker.consumeFromAnEmbeddedTopic(consumer, topic);
    }

    synchronized List<RunReport> all() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            try {
                RunReport report = RunReport.fromByteBuffer(ByteBuffer.wrap(record.value()));
                assertThat(record.key()).isEqualTo(report.getExecutionId());
                reports.add(report);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(reports);
    }

    List<RunReport> of(String executionId) {
        return all().stream()
                .filter(r -> r.getExecutionId().equals(executionId))
                .toList();
    }

    /** Every report of the execution once its RunFinished is in. */
    List<RunReport> awaitFinished(String executionId) {
        await().atMost(WAIT).until(() -> of(executionId).stream().anyMatch(r -> r.getPayload() instanceof RunFinished));
        return of(executionId);
    }

    static RunFinished finished(List<RunReport> reports) {
        return (RunFinished) reports.get(reports.size() - 1).getPayload();
    }

    static String streamed(List<RunReport> reports, OutputStream stream) {
        return reports.stream()
                .filter(r -> r.getPayload() instanceof RunOutput)
                .map(r -> (RunOutput) r.getPayload())
                .filter(o -> o.getStream() == stream)
                .map(RunOutput::getData)
                .reduce("", String::concat);
    }

    static void send(KafkaTemplate<String, byte[]> kafka, String topic, String executionId, Object payload) {
        RunCommand command = RunCommand.newBuilder()
                .setExecutionId(executionId)
                .setIssuedAtMillis(System.currentTimeMillis())
                .setPayload(payload)
                .build();
        try {
            ByteBuffer buffer = command.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            kafka.send(topic, executionId, bytes).join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RunRequested request(String lang, String version, String script, int timeoutSeconds) {
        return RunRequested.newBuilder()
                .setLang(lang)
                .setLangVersion(version)
                .setScript(script)
                .setLimits(RunLimits.newBuilder()
                        .setTimeoutSeconds(timeoutSeconds)
                        .setMemoryBytes(128L << 20)
                        .setCpuMillis(1000)
                        .setPids(64)
                        .setMaxOutputBytes(1L << 20)
                        .setWorkspaceBytes(10L << 20)
                        .build())
                .build();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
