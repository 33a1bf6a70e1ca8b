package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.app.SandpodApplication;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The domain event stream on Kafka: a plain Kafka consumer, knowing nothing of Axon, reads the topic
 * {@code sandpod.events} and finds a run's events in their order, each with its type, revision, aggregate and
 * sequence, and the metadata the request gave it (who asked), as Axon's record headers.
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
        })
class DomainEventTopicTest {

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aRunsEventsAreOnTheTopicWithTheirRevisionAndMetadata() {
        ApiSession user = ApiSession.login(port, "user", "user123");
        String id = user.execute("print('on the topic')");
        user.awaitResult(id);

        Properties settings = new Properties();
        settings.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "topic-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"));
        List<ConsumerRecord<String, byte[]>> run = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("sandpod.events"));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> {
                    if (id.equals(header(record, "axon-message-aggregate-id"))) {
                        run.add(record);
                    }
                });
                assertThat(run)
                        .anySatisfy(
                                r -> assertThat(header(r, "axon-message-type")).endsWith("ResultStoredEvent"));
            });
        }

        ConsumerRecord<String, byte[]> requested = run.get(0);
        assertThat(header(requested, "axon-message-type"))
                .isEqualTo("dev.sandpod.api.execution.ExecutionRequestedEvent");
        assertThat(header(requested, "axon-message-revision")).isEqualTo("2");
        assertThat(requested.key()).isEqualTo(id);
        assertThat(header(requested, "axon-message-id")).isNotBlank();
        assertThat(header(requested, "axon-metadata-userId")).isNotBlank();
        assertThat(header(requested, "axon-metadata-requestId")).isNotBlank();
        assertThat(new String(requested.value(), StandardCharsets.UTF_8)).contains("print('on the topic')");
        // numbers are 8-byte big-endian longs in Axon's headers; one partition per aggregate: the run's events come in
        // the order of their sequence numbers
        List<Long> sequence = run.stream()
                .map(r -> ByteBuffer.wrap(r.headers()
                                .lastHeader("axon-message-aggregate-seq")
                                .value())
                        .getLong())
                .toList();
        assertThat(sequence).isSorted().doesNotHaveDuplicates().startsWith(0L);
    }
}
