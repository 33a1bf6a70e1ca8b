package dev.sandpod.app.observability;

import java.util.TreeSet;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.ListableBeanFactory;
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

    /**
     * Every processing group's processor meters live events only, not the events of a rebuild: see
     * {@link ReplayedEventsUnobserved}. The groups are read from the handler beans' {@code @ProcessingGroup}
     * without creating the beans.
     */
    @Autowired
    void replayedEventsUnmetered(EventProcessingConfigurer processing, ListableBeanFactory beans) {
        TreeSet<String> groups = new TreeSet<>();
        for (String bean : beans.getBeanNamesForAnnotation(ProcessingGroup.class)) {
            ProcessingGroup group = beans.findAnnotationOnBean(bean, ProcessingGroup.class);
            if (group != null) {
                groups.add(group.value());
            }
        }
        for (String group : groups) {
            processing.registerMessageMonitorFactory(
                    group,
                    (configuration, componentType, componentName) -> ReplayedEventsUnobserved.monitor(
                            configuration.messageMonitor(componentType, componentName)));
        }
    }
}
