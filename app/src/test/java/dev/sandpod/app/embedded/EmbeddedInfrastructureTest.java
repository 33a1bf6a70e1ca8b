package dev.sandpod.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sandpod.embedded.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.data.mongo.MongoDataAutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.MongoTemplate;

class EmbeddedInfrastructureTest {

    private static final String COLLECTION = "probes";
    private static final String TOPIC = "sandpod.embedded-probe";
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void aMongoDocumentAndAKafkaRecordSurviveARestartOnTheSameDataDirEvenOnOtherPorts() throws IOException {
        int mongoPort;
        try (ConfigurableApplicationContext context = start(MongoOnly.class, "--sandpod.data-dir=" + dataDir)) {
            Environment env = context.getEnvironment();
            assertThat(env.getProperty("sandpod.embedded.mongo", Boolean.class)).isTrue();
            assertThat(env.getProperty("sandpod.embedded.kafka", Boolean.class)).isTrue();
            assertThat(env.getProperty("spring.data.mongodb.uri"))
                    .startsWith("mongodb://127.0.0.1:")
                    .endsWith("/sandpod");
            mongoPort =
                    Integer.parseInt(env.getProperty("spring.data.mongodb.uri").replaceAll(".*:(\\d+)/.*", "$1"));

            MongoTemplate mongo = context.getBean(MongoTemplate.class);
            assertThat(mongo.getDb().getName()).isEqualTo("sandpod");
            mongo.insert(new Document("_id", "probe").append("value", "kept"), COLLECTION);
            assertThat(mongo.findById("probe", Document.class, COLLECTION)).containsEntry("value", "kept");

            String bootstrap = env.getProperty("spring.kafka.bootstrap-servers");
            produce(bootstrap, "probe-key", "kept");
            assertThat(consumeAll(bootstrap, 1)).containsExactly("probe-key=kept");
        }
        assertThat(dataDir.resolve("mongo/sandpod.mv")).isRegularFile();
        assertThat(dataDir.resolve("kafka/meta.properties")).isRegularFile();
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", mongoPort), 1000))
                .as("the Mongo-wire server stops with the context")
                .isInstanceOf(IOException.class);

        int[] otherPorts = EmbeddedKafkaBroker.freePorts(2);
        try (ConfigurableApplicationContext context = start(
                MongoOnly.class,
                "--sandpod.data-dir=" + dataDir,
                "--sandpod.embedded.kafka-port=" + otherPorts[0],
                "--sandpod.embedded.kafka-controller-port=" + otherPorts[1])) {
            MongoTemplate mongo = context.getBean(MongoTemplate.class);
            assertThat(mongo.findById("probe", Document.class, COLLECTION)).containsEntry("value", "kept");

            String bootstrap = context.getEnvironment().getProperty("spring.kafka.bootstrap-servers");
            assertThat(bootstrap).isEqualTo("127.0.0.1:" + otherPorts[0]);
            assertThat(consumeAll(bootstrap, 1)).containsExactly("probe-key=kept");
        }
    }

    @Test
    void externalAddressesAreUsedAndNothingEmbeddedStarts() {
        try (ConfigurableApplicationContext context = start(
                Bare.class,
                "--sandpod.data-dir=" + dataDir,
                "--sandpod.mongodb.uri=mongodb://mongo.example:27017/?replicaSet=rs0",
                "--sandpod.kafka.bootstrap-servers=kafka.example:9092")) {
            Environment env = context.getEnvironment();
            assertThat(env.getProperty("sandpod.embedded.mongo", Boolean.class)).isFalse();
            assertThat(env.getProperty("sandpod.embedded.kafka", Boolean.class)).isFalse();
            assertThat(env.getProperty("spring.data.mongodb.uri"))
                    .isEqualTo("mongodb://mongo.example:27017/?replicaSet=rs0");
            assertThat(env.getProperty("spring.data.mongodb.database")).isEqualTo("sandpod");
            assertThat(env.getProperty("jobrunr.database.database-name")).isEqualTo("sandpod");
            assertThat(env.getProperty("spring.kafka.bootstrap-servers")).isEqualTo("kafka.example:9092");
            assertThat(env.getProperty("axon.kafka.bootstrap-servers")).isEqualTo("kafka.example:9092");
        }
        assertThat(dataDir.resolve("mongo")).doesNotExist();
        assertThat(dataDir.resolve("kafka")).doesNotExist();
    }

    @Test
    void withTheEmbeddedDefaultDisabledNothingStarts() {
        try (ConfigurableApplicationContext context =
                start(Bare.class, "--sandpod.data-dir=" + dataDir, "--sandpod.embedded.enabled=false")) {
            Environment env = context.getEnvironment();
            assertThat(env.getProperty("sandpod.embedded.mongo", Boolean.class)).isFalse();
            assertThat(env.getProperty("sandpod.embedded.kafka", Boolean.class)).isFalse();
            assertThat(env.getProperty("spring.data.mongodb.uri")).isNull();
            assertThat(env.getProperty("spring.data.mongodb.database")).isEqualTo("sandpod");
            assertThat(env.getProperty("spring.kafka.bootstrap-servers")).isNull();
        }
        assertThat(dataDir).isEmptyDirectory();
    }

    @Test
    void theDataDirIsResolvedOnceAndPublishedAbsolute() {
        try (ConfigurableApplicationContext context = start(
                Bare.class,
                "--sandpod.embedded.enabled=false",
                "--sandpod.data-dir=" + dataDir + "/./run-${random.uuid}")) {
            Environment env = context.getEnvironment();
            String resolved = env.getProperty("sandpod.data-dir");
            assertThat(resolved)
                    .startsWith(dataDir + "/run-")
                    .doesNotContain("${")
                    .isEqualTo(env.getProperty("sandpod.data-dir"));
        }
    }

    @Test
    void nothingIsLeftRunningWhenTheContextFailsToStart() {
        assertThatThrownBy(() -> start(Broken.class, "--sandpod.data-dir=" + dataDir))
                .isInstanceOf(RuntimeException.class);
        // A second start on the same dir only works if the failed one released the H2 and Kafka locks.
        try (ConfigurableApplicationContext context = start(MongoOnly.class, "--sandpod.data-dir=" + dataDir)) {
            assertThat(context.getBean(MongoTemplate.class).getCollectionNames())
                    .isNotNull();
        }
    }

    private static ConfigurableApplicationContext start(Class<?> configuration, String... args) {
        return new SpringApplicationBuilder(configuration)
                .web(WebApplicationType.NONE)
                .run(args);
    }

    private static void produce(String bootstrap, String key, String value) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(TOPIC, key, value));
            producer.flush();
        }
    }

    private static List<String> consumeAll(String bootstrap, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class);
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(TOPIC));
            await().atMost(KAFKA_TIMEOUT).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    received.add(record.key() + "=" + record.value());
                }
                return received.size() >= expected;
            });
        }
        return received;
    }

    @SpringBootConfiguration
    @ImportAutoConfiguration({MongoAutoConfiguration.class, MongoDataAutoConfiguration.class})
    static class MongoOnly {}

    @SpringBootConfiguration
    static class Bare {}

    @SpringBootConfiguration
    @ImportAutoConfiguration({MongoAutoConfiguration.class, MongoDataAutoConfiguration.class})
    static class Broken {
        @Bean
        Object failing() {
            throw new IllegalStateException("startup failure on purpose");
        }
    }
}
