package dev.sandpod.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.executor.ExecutorConfiguration;
import dev.sandpod.executor.ExecutorDefaultsEnvironmentPostProcessor;
import dev.sandpod.executor.kafka.RunDispatcher;
import dev.sandpod.executor.runner.Runner;
import dev.sandpod.executor.sandbox.LocalSandboxRunner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** {@code SANDPOD_EXECUTOR} / {@code sandpod.executor.runner} choose the runner; the local one stays the default. */
class RunnerSelectionTest {

    private static final SimulatedCluster cluster = new SimulatedCluster();

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withInitializer(context -> new ExecutorDefaultsEnvironmentPostProcessor()
                    .postProcessEnvironment(context.getEnvironment(), null))
            .withUserConfiguration(
                    ExecutorConfiguration.class,
                    KubernetesRunnerConfiguration.class,
                    KubernetesCatalogConfiguration.class)
            .withBean("kafkaTemplate", KafkaTemplate.class, () -> mock(KafkaTemplate.class))
            // The executor's record of taken-on runs reads Kafka; nothing listens here, and these tests run no run.
            .withBean(
                    "kafkaConsumerFactory",
                    ConsumerFactory.class,
                    () -> new DefaultKafkaConsumerFactory<>(Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
                            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))
            .withPropertyValues(
                    "sandpod.executor.kubernetes.master-url=" + cluster.url(),
                    "sandpod.executor.kubernetes.owner=selection-test");

    @Test
    void theEnvironmentVariableSandpodExecutorSelectsTheKubernetesRunner() {
        contexts.withInitializer(context -> context.getEnvironment()
                        .getPropertySources()
                        .addFirst(new SystemEnvironmentPropertySource(
                                "test-env", Map.of("SANDPOD_EXECUTOR", "kubernetes"))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(RuntimeCatalog.class).runnerKind())
                            .isEqualTo("kubernetes");
                    assertThat(context.getBean(Runner.class)).isInstanceOf(KubernetesRunner.class);
                    assertThat(context).hasSingleBean(RunDispatcher.class);
                    assertThat(context).doesNotHaveBean(LocalSandboxRunner.class);
                });
    }

    @Test
    void thePropertyWinsOverTheEnvironmentVariable() {
        contexts.withInitializer(context -> context.getEnvironment()
                        .getPropertySources()
                        .addFirst(new SystemEnvironmentPropertySource("test-env", Map.of("SANDPOD_EXECUTOR", "local"))))
                .withPropertyValues("sandpod.executor.runner=kubernetes")
                .run(context -> assertThat(context.getBean(RuntimeCatalog.class).runnerKind())
                        .isEqualTo("kubernetes"));
    }

    @Test
    void anUnknownRunnerIsRefusedWithAClearMessage() {
        contexts.withPropertyValues("sandpod.executor.runner=k8s")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("must be local or kubernetes, not 'k8s'"));
    }

    @Test
    void anApiOnlyInstanceOfAKubernetesDeploymentSaysKubernetesButRunsNothing() {
        contexts.withPropertyValues("sandpod.executor.enabled=false", "sandpod.executor.runner=kubernetes")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(Runner.class);
                    assertThat(context).doesNotHaveBean(KubernetesClient.class);
                    RuntimeCatalog catalog = context.getBean(RuntimeCatalog.class);
                    assertThat(catalog.runnerKind()).isEqualTo("kubernetes");
                    assertThat(catalog.supportedRuntimes()).containsKeys("python", "node", "ruby", "bash", "go");
                });
    }

    @Test
    void anApiOnlyInstanceOtherwiseTrustsTheRemoteRunners() {
        contexts.withPropertyValues("sandpod.executor.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(Runner.class);
            assertThat(context.getBean(RuntimeCatalog.class).runnerKind()).isEqualTo("remote");
        });
    }
}
