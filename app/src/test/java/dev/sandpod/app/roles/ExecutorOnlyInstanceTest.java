package dev.sandpod.app.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import dev.sandpod.embedded.kafka.EmbeddedKafkaBroker;
import dev.sandpod.executor.kafka.RunRequestListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.jobrunr.scheduling.JobScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code SANDPOD_ROLES=executor}: with only a Kafka broker the instance starts, consumes run requests and answers
 * health; it has no Mongo client, event store or job scheduler and starts no embedded Mongo-wire server.
 */
class ExecutorOnlyInstanceTest {

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        int[] ports = EmbeddedKafkaBroker.freePorts(2);
        kafka = EmbeddedKafkaBroker.start(Files.createTempDirectory("sandpod-executor-only-kafka"), ports[0], ports[1]);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void startsOnKafkaAloneAndAnswersHealth(@TempDir Path dataDir) throws Exception {
        try (ConfigurableApplicationContext context = ExecutorOnlyApplication.run(new String[] {
            "--server.port=0",
            "--sandpod.roles=executor",
            "--sandpod.data-dir=" + dataDir,
            "--sandpod.kafka.bootstrap-servers=" + kafka.bootstrapServers()
        })) {
            assertThat(context.getBeansOfType(RunRequestListener.class)).hasSize(1);
            assertThat(context.getBeanNamesForType(MongoClient.class)).isEmpty();
            assertThat(context.getBeanNamesForType(EventStore.class)).isEmpty();
            assertThat(context.getBeanNamesForType(JobScheduler.class)).isEmpty();
            assertThat(dataDir.resolve("mongo")).doesNotExist();

            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ready = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/health/ready"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"kafka\":\"ok\"").doesNotContain("event_store");
            HttpResponse<String> api = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/executions"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void refusesToStartWithoutAKafkaToTakeRunsFrom(@TempDir Path dataDir) {
        assertThatThrownBy(() -> ExecutorOnlyApplication.run(
                        new String[] {"--server.port=0", "--sandpod.roles=executor", "--sandpod.data-dir=" + dataDir}))
                .hasStackTraceContaining("SANDPOD_KAFKA_BOOTSTRAP_SERVERS");
    }
}
