package dev.sandpod.executor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import dev.sandpod.executor.kafka.RunDispatcher;
import dev.sandpod.executor.kafka.RunReportPublisher;
import dev.sandpod.executor.kafka.RunRequestListener;
import dev.sandpod.executor.runtime.ConfiguredRuntimeCatalog;
import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.RuntimeProperties;
import dev.sandpod.executor.sandbox.LocalSandboxRunner;
import dev.sandpod.executor.sandbox.SandboxCapabilities;

/**
 * The executor role. With {@code sandpod.executor.enabled} (default true) this instance probes the host,
 * consumes run requests and runs them in local sandboxes; without it, only the configured runtime registry is
 * exposed, for validation by an API-only instance.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ExecutorProperties.class, RuntimeProperties.class})
public class ExecutorConfiguration {

    @Bean
    @ConditionalOnProperty(prefix = "sandpod.executor", name = "enabled", havingValue = "false")
    ConfiguredRuntimeCatalog runtimeCatalog(RuntimeProperties runtimes) {
        return new ConfiguredRuntimeCatalog(runtimes);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "sandpod.executor", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class LocalRunnerConfiguration {

        @Bean(destroyMethod = "close")
        LocalSandboxRunner localSandboxRunner(ExecutorProperties executor) {
            return new LocalSandboxRunner(executor.sandbox(), (int) executor.frameBytes().toBytes(),
                    executor.frameInterval());
        }

        @Bean
        SandboxCapabilities sandboxCapabilities(LocalSandboxRunner runner) {
            return runner.capabilities();
        }

        @Bean
        LocalRuntimeCatalog runtimeCatalog(RuntimeProperties runtimes, LocalSandboxRunner runner,
                                           ExecutorProperties executor) {
            return new LocalRuntimeCatalog(runtimes, runner, executor.sandbox().probeTimeout());
        }

        @Bean
        RunReportPublisher runReportPublisher(KafkaTemplate<String, byte[]> kafkaTemplate, ExecutorProperties executor) {
            String runnerId = executor.runnerId() != null ? executor.runnerId() : "local@" + hostname();
            return new RunReportPublisher(kafkaTemplate, executor.reportsTopic(), runnerId);
        }

        @Bean(destroyMethod = "close")
        RunDispatcher runDispatcher(LocalSandboxRunner runner, LocalRuntimeCatalog catalog,
                                    RunReportPublisher publisher, ExecutorProperties executor) {
            return new RunDispatcher(runner, catalog, publisher, executor.workers(), executor.queueCapacity(),
                    executor.rememberedExecutions(), executor.sandbox().killGrace().multipliedBy(2));
        }

        @Bean
        RunRequestListener runRequestListener(RunDispatcher dispatcher) {
            return new RunRequestListener(dispatcher);
        }

        private static String hostname() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
            } catch (java.io.IOException e) {
                return "unknown";
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnProperty(prefix = "sandpod.executor", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class SandboxHealthConfiguration {

        @Bean
        SandboxHealthIndicator sandboxHealthIndicator(SandboxCapabilities capabilities) {
            return new SandboxHealthIndicator(capabilities);
        }
    }
}
