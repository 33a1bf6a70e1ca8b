package dev.sandpod.executor;

import dev.sandpod.api.runtime.RuntimeCatalog;
import dev.sandpod.executor.kafka.HandledRuns;
import dev.sandpod.executor.kafka.RunDispatcher;
import dev.sandpod.executor.kafka.RunReportPublisher;
import dev.sandpod.executor.kafka.RunRequestListener;
import dev.sandpod.executor.runner.LocalRunner;
import dev.sandpod.executor.runner.Runner;
import dev.sandpod.executor.runtime.ConfiguredRuntimeCatalog;
import dev.sandpod.executor.runtime.LocalRuntimeCatalog;
import dev.sandpod.executor.runtime.RuntimeProperties;
import dev.sandpod.executor.sandbox.LocalSandboxRunner;
import dev.sandpod.executor.sandbox.SandboxCapabilities;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The executor role. With {@code sandpod.executor.enabled} (default true) this instance consumes run requests
 * and runs them with the runner chosen by {@code sandpod.executor.runner} ({@code SANDPOD_EXECUTOR}): {@code local}
 * (default) probes the host and runs local sandboxes, {@code kubernetes} runs pods (see
 * {@code dev.sandpod.executor.kubernetes}); without it, only the configured runtime registry is exposed, for
 * validation by an API-only instance.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ExecutorProperties.class, RuntimeProperties.class})
public class ExecutorConfiguration {

    /**
     * Which runner: {@code sandpod.executor.runner}, else the environment variable {@code SANDPOD_EXECUTOR}, else
     * {@code local}. Read through a placeholder because relaxed binding maps {@code SANDPOD_EXECUTOR} to
     * {@code sandpod.executor}, not to {@code sandpod.executor.runner}.
     */
    public static final String RUNNER = "${sandpod.executor.runner:${SANDPOD_EXECUTOR:local}}";
    /** This instance executes runs with the local sandbox. */
    public static final String LOCAL_RUNNER = "${sandpod.executor.enabled:true} and '" + RUNNER + "' == 'local'";
    /** This instance executes runs as Kubernetes pods. */
    public static final String KUBERNETES_RUNNER =
            "${sandpod.executor.enabled:true} and '" + RUNNER + "' == 'kubernetes'";

    /**
     * An API-only instance of a deployment whose executors run pods says so ({@code kubernetes}, from
     * {@code dev.sandpod.executor.kubernetes}); otherwise it trusts the remote runners.
     */
    @Bean
    @ConditionalOnExpression("!${sandpod.executor.enabled:true} and '" + RUNNER + "' != 'kubernetes'")
    ConfiguredRuntimeCatalog runtimeCatalog(RuntimeProperties runtimes) {
        return new ConfiguredRuntimeCatalog(runtimes);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "sandpod.executor", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class DispatchConfiguration {

        private static final Logger log = LoggerFactory.getLogger(ExecutorConfiguration.class);

        @Bean
        RunReportPublisher runReportPublisher(
                KafkaTemplate<String, byte[]> kafkaTemplate, ExecutorProperties executor, @Value(RUNNER) String kind) {
            String runnerId = executor.runnerId() != null ? executor.runnerId() : kind + "@" + hostname();
            return new RunReportPublisher(kafkaTemplate, executor.reportsTopic(), runnerId);
        }

        @Bean(destroyMethod = "close")
        HandledRuns handledRuns(
                ConsumerFactory<String, byte[]> consumers,
                KafkaTemplate<String, byte[]> kafkaTemplate,
                ExecutorProperties executor,
                RunReportPublisher publisher) {
            return new HandledRuns(
                            consumers,
                            kafkaTemplate,
                            executor.claimsTopic(),
                            publisher.runnerId(),
                            executor.rememberedExecutions())
                    .start();
        }

        @Bean(destroyMethod = "close")
        RunDispatcher runDispatcher(
                ObjectProvider<Runner> runners,
                ObjectProvider<RuntimeCatalog> catalogs,
                RunReportPublisher publisher,
                HandledRuns handledRuns,
                ExecutorProperties executor,
                @Value(RUNNER) String kind,
                ObjectProvider<ObservationRegistry> observations) {
            Runner runner = runners.getIfAvailable();
            RuntimeCatalog catalog = catalogs.getIfAvailable();
            if (runner == null || catalog == null) {
                throw new IllegalStateException("sandpod.executor.runner (SANDPOD_EXECUTOR) must be local or "
                        + "kubernetes, not '" + kind + "'");
            }
            log.info(
                    "executor runner: {} (runner id {}, {} workers)",
                    catalog.runnerKind(),
                    publisher.runnerId(),
                    executor.workers());
            RunDispatcher dispatcher = new RunDispatcher(
                    runner,
                    catalog,
                    publisher,
                    handledRuns,
                    executor.workers(),
                    executor.queueCapacity(),
                    executor.rememberedExecutions(),
                    executor.sandbox().killGrace().multipliedBy(2));
            observations.ifAvailable(dispatcher::observeWith);
            return dispatcher;
        }

        @Bean
        RunRequestListener runRequestListener(RunDispatcher dispatcher) {
            return new RunRequestListener(dispatcher);
        }

        static String hostname() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII)
                        .trim();
            } catch (java.io.IOException e) {
                return "unknown";
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression(LOCAL_RUNNER)
    static class LocalRunnerConfiguration {

        @Bean(destroyMethod = "close")
        LocalSandboxRunner localSandboxRunner(ExecutorProperties executor) {
            return new LocalSandboxRunner(
                    executor.sandbox(), (int) executor.frameBytes().toBytes(), executor.frameInterval());
        }

        @Bean
        SandboxCapabilities sandboxCapabilities(LocalSandboxRunner runner) {
            return runner.capabilities();
        }

        @Bean
        dev.sandpod.api.runtime.SandboxProtections sandboxProtections(LocalSandboxRunner runner) {
            return new dev.sandpod.api.runtime.SandboxProtections() {
                @Override
                public String runner() {
                    return "local";
                }

                @Override
                public boolean available() {
                    return runner.capabilities().available();
                }

                @Override
                public java.util.Map<String, Object> protections() {
                    return runner.protections();
                }
            };
        }

        @Bean
        LocalRuntimeCatalog runtimeCatalog(
                RuntimeProperties runtimes, LocalSandboxRunner runner, ExecutorProperties executor) {
            return new LocalRuntimeCatalog(runtimes, runner, executor.sandbox().probeTimeout());
        }

        @Bean
        LocalRunner localRunner(LocalSandboxRunner runner, LocalRuntimeCatalog catalog) {
            return new LocalRunner(runner, catalog);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnExpression(LOCAL_RUNNER)
    static class SandboxHealthConfiguration {

        @Bean
        SandboxHealthIndicator sandboxHealthIndicator(SandboxCapabilities capabilities) {
            return new SandboxHealthIndicator(capabilities);
        }
    }
}
