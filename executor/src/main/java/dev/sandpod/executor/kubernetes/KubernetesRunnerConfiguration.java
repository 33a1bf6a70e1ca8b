package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.ExecutorConfiguration;
import dev.sandpod.executor.ExecutorProperties;
import dev.sandpod.executor.kafka.RunReportPublisher;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Kubernetes runner of an executor instance ({@code SANDPOD_EXECUTOR=kubernetes}): the cluster client and the
 * {@link KubernetesRunner} the dispatcher runs requests with. The dispatcher, publisher and listener are the ones
 * of {@link ExecutorConfiguration}, shared with the local runner; the catalog is
 * {@link KubernetesCatalogConfiguration}'s.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression(ExecutorConfiguration.KUBERNETES_RUNNER)
@EnableConfigurationProperties(KubernetesRunnerProperties.class)
public class KubernetesRunnerConfiguration {

    @Bean(destroyMethod = "close")
    KubernetesClient sandpodKubernetesClient(KubernetesRunnerProperties props) {
        return new KubernetesClientBuilder().withConfig(config(props)).build();
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    KubernetesRunner kubernetesRunner(
            KubernetesClient sandpodKubernetesClient,
            KubernetesRuntimeCatalog catalog,
            KubernetesRunnerProperties props,
            RunReportPublisher publisher,
            ExecutorProperties executor) {
        String owner = props.owner() != null && !props.owner().isBlank() ? props.owner() : hostname();
        return new KubernetesRunner(
                sandpodKubernetesClient,
                catalog,
                props,
                publisher,
                (int) executor.frameBytes().toBytes(),
                owner);
    }

    static Config config(KubernetesRunnerProperties props) {
        try {
            Config base = props.kubeconfig() != null && !props.kubeconfig().isBlank()
                    ? Config.fromKubeconfig(null, Files.readString(Path.of(props.kubeconfig())), props.kubeconfig())
                    : Config.autoConfigure(null);
            ConfigBuilder builder = new ConfigBuilder(base);
            if (props.masterUrl() != null && !props.masterUrl().isBlank()) {
                builder.withMasterUrl(props.masterUrl());
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + props.kubeconfig(), e);
        }
    }

    private static String hostname() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII)
                    .trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
