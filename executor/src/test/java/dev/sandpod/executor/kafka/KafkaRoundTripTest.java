package dev.sandpod.executor.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.api.avro.CancelRun;
import dev.sandpod.api.avro.OutputStream;
import dev.sandpod.api.avro.RunCommand;
import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunLimits;
import dev.sandpod.api.avro.RunOutcome;
import dev.sandpod.api.avro.RunOutput;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.avro.RunRequested;
import dev.sandpod.api.avro.RunStarted;
import dev.sandpod.api.kafka.Topics;
import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.executor.ExecutorTestApplication;
import dev.sandpod.executor.sandbox.SandboxCapabilities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/** Run commands in, run reports out, through a real (embedded) Kafka broker and the real local sandbox. */
@SpringBootTest(
        classes = ExecutorTestApplication.class,
        properties = {
            "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
            "spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer",
            "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer",
            "spring.kafka.consumer.key-deserializer=org.apache.kafka.common.serialization.StringDeserializer",
            "spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer",
            "spring.kafka.consumer.auto-offset-reset=earliest",
            "sandpod.executor.workers=2"
        })
@EmbeddedKafka(
        kraft = true,
        partitions = 1,
        topics = {
            KafkaRoundTripTest.REQUESTS,
            KafkaRoundTripTest.REPORTS,
            KafkaRoundTripTest.SECOND_REQUESTS,
            Topics.RUN_CLAIMS
        })
class KafkaRoundTripTest {

    static final String REQUESTS = "sandpod.run-requests";
    static final String REPORTS = "sandpod.run-reports";
    static final String SECOND_REQUESTS = "sandpod.run-requests.second-executor";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Consumer<String, byte[]> reportConsumer;
    private static final List<RunReport> reports = new ArrayList<>();

    @Autowired
    private KafkaTemplate<String, byte[]> kafka;

    @Autowired
    private RuntimeCatalog catalog;

    @Autowired
    private SandboxCapabilities capabilities;

    @BeforeAll
    static void subscribeToReports(@Autowired EmbeddedKafkaBroker broker) {
        Map<String, Object> props = KafkaTestUtils.consumerProps("report-reader", "true", broker);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        reportConsumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer())
                .createConsumer();
        broker.consumeFromAnEmbeddedTopic(reportConsumer, REPORTS);
    }

    @AfterAll
    static void closeConsumer() {
        reportConsumer.close();
    }

    @Test
    void theBeansOtherModulesUseAreThere() {
        assertThat(catalog.runnerKind()).isEqualTo("local");
        assertThat(catalog.rejection("python", "3.11")).isEmpty();
        assertThat(capabilities.available()).isTrue();
    }

    @Test
    void aRunRequestIsAnsweredWithStartedOutputAndFinishedInSequence() {
        String id = newId();
        send(id, request("python", "3.11", "print('hi')", 10));

        List<RunReport> mine = awaitFinished(id);

        assertThat(mine.get(0).getPayload()).isInstanceOf(RunStarted.class);
        assertThat(mine)
                .extracting(RunReport::getSequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, mine.size())
                        .boxed()
                        .toList());
        assertThat(mine).allSatisfy(r -> assertThat(r.getRunner()).startsWith("local@"));
        String streamed = mine.stream()
                .filter(r -> r.getPayload() instanceof RunOutput)
                .map(r -> (RunOutput) r.getPayload())
                .filter(o -> o.getStream() == OutputStream.STDOUT)
                .map(RunOutput::getData)
                .reduce("", String::concat);
        assertThat(streamed).isEqualTo("hi\n");
        RunFinished finished = (RunFinished) mine.get(mine.size() - 1).getPayload();
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.COMPLETED);
        assertThat(finished.getExitCode()).isZero();
        assertThat(finished.getStdout()).isEqualTo("hi\n");
        assertThat(finished.getClkTckHertz()).isPositive();
        assertThat(finished.getPeakMemoryKb()).isPositive();
        assertThat(finished.getWallSeconds()).isPositive();
    }

    @Test
    void aCancelReachesTheRunWhileItIsGoing() {
        String id = newId();
        send(id, request("python", "3.11", "import time\nprint('going')\ntime.sleep(60)\n", 60));
        await().atMost(WAIT)
                .until(() -> poll().stream()
                        .anyMatch(r -> r.getExecutionId().equals(id)
                                && r.getPayload() instanceof RunOutput o
                                && o.getData().contains("going")));

        long cancelled = System.nanoTime();
        send(id, CancelRun.newBuilder().setReason("test").build());
        List<RunReport> mine = awaitFinished(id);

        assertThat((System.nanoTime() - cancelled) / 1e9).isLessThan(2.0);
        RunFinished finished = (RunFinished) mine.get(mine.size() - 1).getPayload();
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.CANCELLED);
        assertThat(finished.getStdout()).isEqualTo("going\n");
    }

    @Test
    void aDuplicateRequestForARunningExecutionIsIgnored() {
        String id = newId();
        String later = newId();
        send(id, request("python", "3.11", "import time\ntime.sleep(1)\nprint('once')", 10));
        send(id, request("python", "3.11", "import time\ntime.sleep(1)\nprint('once')", 10));
        send(later, request("python", "3.11", "import time\ntime.sleep(2)", 10));

        awaitFinished(later);
        List<RunReport> mine = awaitFinished(id);

        assertThat(mine).filteredOn(r -> r.getPayload() instanceof RunStarted).hasSize(1);
        assertThat(mine).filteredOn(r -> r.getPayload() instanceof RunFinished).hasSize(1);
    }

    @Test
    void anUnsupportedRuntimeFailsWithTheCatalogMessage() {
        String id = newId();
        send(id, request("ruby", "9.9", "puts 1", 10));

        List<RunReport> mine = awaitFinished(id);

        assertThat(mine).hasSize(1);
        RunFinished finished = (RunFinished) mine.get(0).getPayload();
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(finished.getErrorType()).isEqualTo("system_error");
        assertThat(finished.getErrorMessage()).startsWith("Version '9.9' not supported for ruby. Supported: [");
    }

    @Test
    void stoppingAnExecutorKillsItsRunningSandboxesAndReportsThemFailed(@Autowired EmbeddedKafkaBroker broker) {
        String marker = "654.3217";
        String id = newId();
        ConfigurableApplicationContext second = new SpringApplicationBuilder(ExecutorTestApplication.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                        "spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer",
                        "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer",
                        "spring.kafka.consumer.key-deserializer=org.apache.kafka.common.serialization.StringDeserializer",
                        "spring.kafka.consumer.value-deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer",
                        "spring.kafka.consumer.auto-offset-reset=earliest",
                        "sandpod.executor.requests-topic=" + SECOND_REQUESTS,
                        "sandpod.executor.group-id=second-executor",
                        "sandpod.executor.runner-id=local@second")
                .run();
        try {
            send(SECOND_REQUESTS, id, request("bash", "5.2", "sleep " + marker + " &\necho up\nwait\n", 60));
            await().atMost(WAIT)
                    .until(() -> poll().stream()
                            .anyMatch(r -> r.getExecutionId().equals(id)
                                    && r.getPayload() instanceof RunOutput o
                                    && o.getData().contains("up")));
        } finally {
            second.close();
        }

        List<RunReport> mine = awaitFinished(id);
        RunFinished finished = (RunFinished) mine.get(mine.size() - 1).getPayload();
        assertThat(finished.getOutcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(finished.getErrorType()).isEqualTo("system_error");
        assertThat(mine).allSatisfy(r -> assertThat(r.getRunner()).isEqualTo("local@second"));
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info()
                                .arguments()
                                .map(args -> List.of(args).contains(marker))
                                .orElse(false)))
                .isEmpty();
    }

    private List<RunReport> awaitFinished(String id) {
        await().atMost(WAIT)
                .until(() -> poll().stream()
                        .anyMatch(r -> r.getExecutionId().equals(id) && r.getPayload() instanceof RunFinished));
        return poll().stream().filter(r -> r.getExecutionId().equals(id)).toList();
    }

    private static synchronized List<RunReport> poll() {
        for (ConsumerRecord<String, byte[]> record : reportConsumer.poll(Duration.ofMillis(100))) {
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

    private void send(String id, Object payload) {
        send(REQUESTS, id, payload);
    }

    private void send(String topic, String id, Object payload) {
        RunCommand command = RunCommand.newBuilder()
                .setExecutionId(id)
                .setIssuedAtMillis(System.currentTimeMillis())
                .setTrace(Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .setPayload(payload)
                .build();
        try {
            ByteBuffer buffer = command.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            kafka.send(topic, id, bytes).join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RunRequested request(String lang, String version, String script, int timeoutSeconds) {
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

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
