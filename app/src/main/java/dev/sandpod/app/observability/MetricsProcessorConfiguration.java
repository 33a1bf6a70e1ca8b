package dev.sandpod.app.observability;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MetricsProcessorConfiguration {

    /**
     * The metrics processor starts at the head of the store the first time it runs: counters describe what
     * happens while the app is up (Prometheus handles their resets), they are not a history to rebuild.
     * Afterwards its stored token makes it resume where it stopped, so events of a downtime are counted once.
     */
    @Autowired
    void metricsFromTheHead(EventProcessingConfigurer processing) {
        processing.registerPooledStreamingEventProcessorConfiguration(
                ExecutionMetrics.PROCESSING_GROUP,
                (configuration, builder) -> builder.initialToken(StreamableMessageSource::createHeadToken));
    }
}
