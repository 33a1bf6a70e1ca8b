package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.api.avro.RunCommand;
import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.avro.RunRequested;
import dev.sandpod.api.avro.RunStarted;
import dev.sandpod.api.kafka.Topics;
import dev.sandpod.app.SandpodApplication;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Kafka delivers at least once: a run request or a run report may arrive twice (a consumer that crashed
 * before committing, a producer retry). This test puts the very same message on the topic a second time,
 * waits until the consumer has taken it, and sees that nothing a user could notice has changed.
 */
class RedeliveryJourneyTest {

    private static final String EXECUTOR_GROUP = "sandpod-executor";
    private static final String REPORT_GROUP = "sandpod-report-handler";

    private static ConfigurableApplicationContext app;
    private static ApiSession user;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        app = new SpringApplicationBuilder(SandpodApplication.class)
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-redelivery"),
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.rate-limit.enabled=false");
        bootstrap = app.getEnvironment().getProperty("spring.kafka.bootstrap-servers");
        user = ApiSession.login(
                Integer.parseInt(app.getEnvironment().getProperty("local.server.port")), "user", "user123");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aRedeliveredRunRequestRunsNothingAgain() throws Exception {
        String id = user.execute("print('once only')");
        assertThat(user.awaitResult(id).get("status").asText()).isEqualTo("completed");
        Snapshot before = snapshot(id);

        ConsumerRecord<String, byte[]> original = find(Topics.RUN_REQUESTS, value -> {
            RunCommand command = RunCommand.fromByteBuffer(ByteBuffer.wrap(value));
            return command.getExecutionId().equals(id) && command.getPayload() instanceof RunRequested;
        });
        redeliverAndAwaitConsumed(original, EXECUTOR_GROUP);
        // A run started after the duplicate was taken ends after anything the duplicate would have started.
        String later = user.execute("print('later')");
        assertThat(user.awaitResult(later).get("status").asText()).isEqualTo("completed");

        assertThat(snapshot(id)).isEqualTo(before);
        // a second run in the sandbox would have reported its start again
        assertThat(all(Topics.RUN_REPORTS, value -> {
                    RunReport report = RunReport.fromByteBuffer(ByteBuffer.wrap(value));
                    return report.getExecutionId().equals(id) && report.getPayload() instanceof RunStarted;
                }))
                .hasSize(1);
    }

    @Test
    void redeliveredRunReportsChangeNothing() throws Exception {
        String id = user.execute("print('reported once')");
        assertThat(user.awaitResult(id).get("status").asText()).isEqualTo("completed");
        Snapshot before = snapshot(id);

        for (Class<?> kind : List.of(RunStarted.class, RunFinished.class)) {
            ConsumerRecord<String, byte[]> original = find(Topics.RUN_REPORTS, value -> {
                RunReport report = RunReport.fromByteBuffer(ByteBuffer.wrap(value));
                return report.getExecutionId().equals(id) && kind.isInstance(report.getPayload());
            });
            redeliverAndAwaitConsumed(original, REPORT_GROUP);
        }

        assertThat(snapshot(id)).isEqualTo(before);
        assertThat(before.resultStored()).isEqualTo(1);
        assertThat(before.stdout()).isEqualTo("reported once\n");
    }

    /** What a user sees of the execution: its events, result and stream. */
    record Snapshot(List<String> eventTypes, long resultStored, String status, String stdout, List<JsonNode> frames) {}

    private static Snapshot snapshot(String id) {
        List<String> types = new ArrayList<>();
        for (JsonNode event : user.get("/api/v1/executions/" + id + "/events").body()) {
            types.add(event.get("event_type").asText());
        }
        JsonNode result = user.get("/api/v1/executions/" + id + "/result").body();
        // the stored frames; the stream's opening status frame is made (and stamped) on each connect
        List<JsonNode> frames = user.stream(id, null, Duration.ofSeconds(30)).stream()
                .filter(frame -> !frame.path("event_id").isNull())
                .toList();
        return new Snapshot(
                types,
                types.stream().filter("result_stored"::equals).count(),
                result.get("status").asText(),
                result.get("stdout").asText(),
                frames);
    }

    private static ConsumerRecord<String, byte[]> find(String topic, ThrowingPredicate<byte[]> matches)
            throws Exception {
        List<ConsumerRecord<String, byte[]>> found = all(topic, matches);
        assertThat(found).as("messages on " + topic).isNotEmpty();
        return found.get(0);
    }

    /** Every message on the topic (up to its end now) that matches. */
    private static List<ConsumerRecord<String, byte[]>> all(String topic, ThrowingPredicate<byte[]> matches)
            throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "redelivery-test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertThat(System.nanoTime()).as("reading " + topic).isLessThan(deadline);
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (matches.test(record.value())) {
                        found.add(record);
                    }
                }
            }
            return found;
        }
    }

    /** Puts the same key, value and headers on the same partition again; waits until the group has taken it. */
    private static void redeliverAndAwaitConsumed(ConsumerRecord<String, byte[]> original, String group)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        RecordMetadata sent;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            sent = producer.send(new ProducerRecord<>(
                            original.topic(),
                            original.partition(),
                            original.key(),
                            original.value(),
                            original.headers()))
                    .get();
        }
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (AdminClient admin = AdminClient.create(adminProps)) {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata()
                                .get();
                        OffsetAndMetadata committed = offsets.get(partition);
                        return committed != null && committed.offset() > sent.offset();
                    });
        }
    }

    @FunctionalInterface
    interface ThrowingPredicate<T> {
        boolean test(T value) throws Exception;
    }
}
