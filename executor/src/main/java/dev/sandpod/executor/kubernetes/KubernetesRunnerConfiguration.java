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

    /** What a run pod is given against hostile scripts, as the pods are generated (docs/hostile-second-set.md). */
    @Bean
    dev.sandpod.api.runtime.SandboxProtections sandboxProtections(KubernetesRunnerProperties props) {
        return new dev.sandpod.api.runtime.SandboxProtections() {
            @Override
            public String runner() {
                return "kubernetes";
            }

            @Override
            public boolean available() {
                return true;
            }

            @Override
            public java.util.Map<String, Object> protections() {
                java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
                io.fabric8.kubernetes.api.model.SeccompProfile profile = RunPod.seccompProfile(props);
                p.put(
                        "seccomp",
                        profile.getType()
                                + (profile.getLocalhostProfile() == null ? "" : " " + profile.getLocalhostProfile()));
                p.put("userNamespaces", props.userNamespace() ? "hostUsers: false" : "off (pod root is node root)");
                p.put(
                        "runtimeClass",
                        props.runtimeClassName() == null
                                        || props.runtimeClassName().isBlank()
                                ? "default"
                                : props.runtimeClassName());
                p.put(
                        "uidMode",
                        "runAsUser " + props.runAsUser()
                                + (props.userNamespace()
                                        ? " in the pod's own user namespace"
                                        : " shared by every run pod"));
                p.put(
                        "networkPolicy",
                        props.hardenNamespace() ? "deny-all applied at start" : "not applied by the executor");
                p.put("coreDumps", "ulimit -c 0 in the wrapper");
                p.put("result", "wrapper status checked against the container's exit code; log read from its tail");
                return p;
            }
        };
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
