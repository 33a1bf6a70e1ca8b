package dev.sandpod.executor.kubernetes;

import dev.sandpod.executor.ExecutorConfiguration;
import dev.sandpod.executor.runtime.RuntimeProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The runtime catalog wherever the deployment runs pods — on executor instances and on API-only instances
 * ({@code sandpod.executor.enabled=false}) alike, so that {@code /api/v1/k8s-limits} says {@code kubernetes} and
 * lists the configured images on every instance. It needs no cluster access.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'" + ExecutorConfiguration.RUNNER + "' == 'kubernetes'")
public class KubernetesCatalogConfiguration {

    @Bean
    KubernetesRuntimeCatalog kubernetesRuntimeCatalog(RuntimeProperties runtimes) {
        return new KubernetesRuntimeCatalog(runtimes);
    }
}
