package dev.sandpod.command.execution;

import dev.sandpod.api.error.StoreFailures;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.kafka.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ContainerPausingBackOffHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The run reports' consumer holds a report while the data store is unreachable or full, for as long as that
 * lasts, without blocking its poll loop: the container pauses between tries and keeps polling, so an outage
 * longer than {@code max.poll.interval.ms} does not throw the consumer out of its group. Other failures get
 * Spring Kafka's default: ten tries, then the report is logged and skipped.
 */
@Configuration(proxyBeanMethods = false)
class RunReportConsumerConfiguration implements DisposableBean {

    static final String CONTAINER_FACTORY = "runReportContainerFactory";

    /** Resumes the paused container when a pause is over. Not a bean: no other scheduled work may land on it. */
    private final ThreadPoolTaskScheduler resumer = new ThreadPoolTaskScheduler();

    /** Between tries while the store is away: 250 ms, doubling up to 2 s, without end. */
    static ExponentialBackOff whileTheStoreIsAway() {
        ExponentialBackOff backOff = new ExponentialBackOff(250, 2.0);
        backOff.setMaxInterval(2_000);
        return backOff;
    }

    @Bean(CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<Object, Object> runReportContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
            ConsumerFactory<Object, Object> consumers,
            KafkaListenerEndpointRegistry registry) {
        resumer.setThreadNamePrefix("run-report-resume-");
        resumer.setDaemon(true);
        resumer.initialize();
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, consumers);
        DefaultErrorHandler errors = new DefaultErrorHandler(
                null,
                new FixedBackOff(0, 9),
                new ContainerPausingBackOffHandler(new ListenerContainerPauseService(registry, resumer)));
        errors.setBackOffFunction((record, error) -> StoreFailures.isTransient(error) ? whileTheStoreIsAway() : null);
        factory.setCommonErrorHandler(errors);
        return factory;
    }

    @Override
    public void destroy() {
        resumer.shutdown();
    }
}
